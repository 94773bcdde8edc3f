package dev.flashvsr.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.pkg.RecurrentSrPackage;
import dev.flashvsr.engine.tiling.Tile;
import dev.flashvsr.engine.tiling.TilePlan;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model packages through the CPU backend: loading, checks, and streaming through ONNX Runtime. */
class OnnxModelTest {
    @TempDir
    Path dir;

    /** Random weights; with {@code silentLast} the last convolution is zero, so the net is exactly bicubic. */
    static Map<String, FloatTensor> weights(RecurrentSrArchitecture arch, boolean silentLast, long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> weights = new TreeMap<>();
        for (int layer = 0; layer < arch.layers(); layer++) {
            int in = arch.convIn(layer);
            int out = arch.convOut(layer);
            boolean zero = silentLast && layer == arch.layers() - 1;
            float[] w = new float[out * in * 9];
            float[] b = new float[out];
            for (int i = 0; i < w.length; i++) {
                w[i] = zero ? 0 : (float) (random.nextGaussian() * 0.1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = zero ? 0 : (float) (random.nextGaussian() * 0.01);
            }
            weights.put(RecurrentSrArchitecture.weightName(layer), FloatTensor.of(w, out, in, 3, 3));
            weights.put(RecurrentSrArchitecture.biasName(layer), FloatTensor.of(b, out));
        }
        return weights;
    }

    Path writePackage(boolean silentLast) throws Exception {
        Path x2 = dir.resolve("w2.safetensors");
        Path x4 = dir.resolve("w4.safetensors");
        SafeTensors.write(x2, weights(new RecurrentSrArchitecture(2, 8, 3, 2), silentLast, 1), Map.of());
        SafeTensors.write(x4, weights(new RecurrentSrArchitecture(4, 8, 3, 2), silentLast, 2), Map.of());
        Path pkg = dir.resolve("pkg");
        RecurrentSrPackage.write(pkg, "tiny", "test package", List.of(x2, x4), null);
        return pkg;
    }

    static VideoFrame upscale(Model model, VideoFrame input, int scale) throws EngineException {
        StreamSpec spec = new StreamSpec(input.format(), input.width(), input.height(), scale);
        VideoFrame out = VideoFrame.allocate(input.format(), spec.outputWidth(), spec.outputHeight());
        try (StreamingSession session = model.open(spec, SessionOptions.DEFAULT)) {
            session.push(input, renderer -> {
                renderer.renderInto(out);
                return true;
            });
        }
        return out;
    }

    static VideoFrame randomRgb(int width, int height, long seed) {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, width, height);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    frame.setSample(0, x, y, c, random.nextInt(256));
                }
            }
        }
        return frame;
    }

    @Test
    void aNetworkWithASilentLastLayerIsExactlyBicubic() throws Exception {
        Path pkg = writePackage(true);
        try (Model model = Models.resolve(pkg.toString())) {
            assertEquals("tiny", model.name());
            assertTrue(model.isNeural());
            assertEquals(java.util.Set.of(2, 4), model.scales());
            for (int scale : new int[] {2, 4}) {
                VideoFrame input = randomRgb(13, 9, scale);
                VideoFrame neural = upscale(model, input, scale);
                VideoFrame bicubic = upscale(new BicubicModel(), input, scale);
                for (int y = 0; y < neural.height(); y++) {
                    for (int x = 0; x < neural.width(); x++) {
                        for (int c = 0; c < 3; c++) {
                            int diff = Math.abs(neural.sample(0, x, y, c) - bicubic.sample(0, x, y, c));
                            assertTrue(diff <= 1, "x" + scale + " at " + x + "," + y + ": " + diff);
                        }
                    }
                }
            }
        }
    }

    @Test
    void stateCarriesAcrossFramesAndResetRestoresIt() throws Exception {
        Path pkg = writePackage(false);
        try (Model model = Models.resolve(pkg.toString())) {
            VideoFrame a = randomRgb(8, 6, 10);
            VideoFrame b = randomRgb(8, 6, 11);
            StreamSpec spec = new StreamSpec(PixelFormat.RGB, 8, 6, 2);
            try (StreamingSession session = model.open(spec, SessionOptions.DEFAULT)) {
                byte[] first = run(session, b);
                byte[] afterA = run(session, a);
                byte[] bAfterA = run(session, b);
                session.reset();
                byte[] again = run(session, b);
                assertTrue(java.util.Arrays.equals(first, again), "reset returns to the start state");
                assertTrue(!java.util.Arrays.equals(first, bAfterA), "the hidden state and previous frame matter");
                assertTrue(afterA.length > 0);
            }
        }
    }

    private static byte[] run(StreamingSession session, VideoFrame input) throws EngineException {
        StreamSpec spec = session.spec();
        VideoFrame out = VideoFrame.allocate(PixelFormat.RGB, spec.outputWidth(), spec.outputHeight());
        session.push(input, r -> {
            r.renderInto(out);
            return true;
        });
        byte[] bytes = new byte[out.plane(0).capacity()];
        out.plane(0).get(0, bytes);
        return bytes;
    }

    @Test
    void tiledEqualsUntiledAwayFromBlendZones() throws Exception {
        Path pkg = writePackage(false);
        int width = 80;
        int height = 60;
        int scale = 2;
        TilePlan plan = TilePlan.of(width, height, 32, 12, scale);
        assertTrue(plan.tileCount() > 4);
        try (Model model = Models.resolve(pkg.toString())) {
            StreamSpec spec = new StreamSpec(PixelFormat.RGB, width, height, scale);
            try (StreamingSession whole = model.open(spec, SessionOptions.DEFAULT);
                    StreamingSession tiled = model.open(spec, new SessionOptions(Backend.CPU, 0, 32, 12))) {
                VideoFrame input = randomRgb(width, height, 5);
                VideoFrame a = VideoFrame.allocate(PixelFormat.RGB, width * scale, height * scale);
                VideoFrame b = VideoFrame.allocate(PixelFormat.RGB, width * scale, height * scale);
                whole.push(input, r -> {
                    r.renderInto(a);
                    return true;
                });
                tiled.push(input, r -> {
                    r.renderInto(b);
                    return true;
                });
                int worstInside = 0;
                int worstZone = 0;
                for (int y = 0; y < height * scale; y++) {
                    for (int x = 0; x < width * scale; x++) {
                        boolean owned = false;
                        for (Tile tile : plan.tiles()) {
                            int lx = x - tile.x() * scale;
                            int ly = y - tile.y() * scale;
                            if (lx >= 0 && ly >= 0 && lx < tile.width() * scale && ly < tile.height() * scale
                                    && plan.weight(tile.index(), lx, ly) == 1f) {
                                owned = true;
                            }
                        }
                        for (int c = 0; c < 3; c++) {
                            int diff = Math.abs(a.sample(0, x, y, c) - b.sample(0, x, y, c));
                            if (owned) {
                                worstInside = Math.max(worstInside, diff);
                            } else {
                                worstZone = Math.max(worstZone, diff);
                            }
                        }
                    }
                }
                assertTrue(worstInside <= 1, "outside blend zones tiles must match the whole frame: " + worstInside);
                assertTrue(worstZone <= 8, "inside blend zones the difference is bounded: " + worstZone);
            }
        }
    }

    @Test
    void aChangedGraphFailsItsChecksum() throws Exception {
        Path pkg = writePackage(true);
        byte[] graph = Files.readAllBytes(pkg.resolve("x4.onnx"));
        graph[graph.length / 2] ^= 1;
        Files.write(pkg.resolve("x4.onnx"), graph);
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
        assertTrue(e.getMessage().contains("x4.onnx") && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aGraphThatIsNotOnnxFailsAtLoad() throws Exception {
        Path pkg = writePackage(true);
        byte[] garbage = "not an onnx graph".getBytes();
        Files.write(pkg.resolve("x2.onnx"), garbage);
        String manifest = Files.readString(pkg.resolve("manifest.json"));
        String oldSum = manifest.split("\"sha256\" : \"")[1].substring(0, 64);
        Files.writeString(pkg.resolve("manifest.json"), manifest.replace(oldSum,
                dev.flashvsr.engine.pkg.ModelPackage.sha256(garbage)).replaceFirst("\"bytes\" : \\d+",
                        "\"bytes\" : " + garbage.length));
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
        assertTrue(e.getMessage().contains("graph x2.onnx") && e.getMessage().contains("is not an ONNX model"),
                e.getMessage());
    }

    @Test
    void aManifestThatContradictsItsGraphFailsAtLoad() throws Exception {
        Path pkg = writePackage(true);
        String manifest = Files.readString(pkg.resolve("manifest.json"));
        Files.writeString(pkg.resolve("manifest.json"), manifest.replace("\"hidden_out\"", "\"memory_out\""));
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
        assertTrue(e.getMessage().contains("contradicts graph"), e.getMessage());
    }

    @Test
    void aWrongStateChannelCountFailsAtLoadNamingPackageGraphTensorAndBothNumbers() throws Exception {
        Path pkg = PackageCopies.vsrSmallWithHiddenChannels(dir.resolve("wrong-state"), 5);
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
        String text = e.describe();
        for (String part : List.of(pkg.toString(), "graph x2.onnx", "state input 'hidden'", "has 4 channels",
                "but 5 are expected", "state[0].channels", "fix manifest.json")) {
            assertTrue(text.contains(part), "'" + part + "' missing in: " + text);
        }
    }

    @Test
    void aMissingGraphFileIsNamed() throws Exception {
        Path pkg = writePackage(true);
        Files.delete(pkg.resolve("x2.onnx"));
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg.toString()));
        assertTrue(e.getMessage().contains("lacks graph file x2.onnx"), e.getMessage());
    }

    @Test
    void tensorrtIsRefused() throws Exception {
        try (Model model = Models.resolve(writePackage(true).toString())) {
            assertThrows(EngineException.class, () -> model.resolveBackend(dev.flashvsr.engine.Backend.TENSORRT));
        }
    }
}
