package dev.flashvsr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsTest {

    @Test
    void defaultIsTheShippedNetworkAndBicubicIsNotNeural() throws EngineException {
        try (Model model = Models.resolve(null)) {
            assertEquals(Models.VSR_SMALL, model.name());
            assertTrue(model.isNeural());
            assertEquals(java.util.Set.of(2, 4), model.scales());
            assertEquals(Backend.CPU, model.resolveBackend(Backend.AUTO));
        }
        try (Model bicubic = Models.resolve("bicubic")) {
            assertFalse(bicubic.isNeural());
        }
    }

    @Test
    void defaultSmoothsOverTimeAndTheFastOneDoesNot() throws Exception {
        for (String name : new String[] {Models.VSR_SMALL, Models.VSR_SMALL_FAST}) {
            ModelPackage pkg = ModelPackage.loadResource("/dev/flashvsr/models/" + name + "/");
            assertEquals(name, pkg.manifest().name());
            for (int scale : new int[] {2, 4}) {
                ModelManifest.Graph graph = pkg.manifest().graphFor(scale).orElseThrow();
                boolean smoothed = graph.state().stream().anyMatch(s -> s.input().equals(MotionSmoothing.INPUT_STATE));
                assertEquals(name.equals(Models.VSR_SMALL), smoothed, name + " x" + scale);
                assertEquals(smoothed ? MotionSmoothing.DEFAULT.receptiveRadius() : scale == 2 ? 4 : 5,
                        graph.receptiveField(), name + " x" + scale);
            }
            try (Model model = Models.resolve(name)) {
                assertEquals(name, model.name());
                assertTrue(Models.builtInNames().contains(name));
            }
        }
    }

    @Test
    void missingFileNamesThePathAndTheChoices() {
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve("/no/such/model.onnx"));
        assertTrue(e.getMessage().contains("/no/such/model.onnx"), e.getMessage());
        assertTrue(e.remedy().contains("bicubic"), e.remedy());
    }

    @Test
    void unknownFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("garbage.bin"), "not a model");
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(file.toString()));
        assertTrue(e.getMessage().contains("is not a model package"), e.getMessage());
    }

    @Test
    void registeredModelsResolveByName() throws EngineException {
        Models.register("test-registered", () -> new dev.flashvsr.engine.bicubic.BicubicModel());
        assertEquals("bicubic", Models.resolve("test-registered").name());
        assertTrue(Models.builtInNames().contains("test-registered"));
        assertThrows(IllegalArgumentException.class, () -> Models.register("a/b", () -> null));
    }

    @Test
    void specAndOptionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new StreamSpec(PixelFormat.RGB, 0, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new StreamSpec(PixelFormat.RGB, 4, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> new SessionOptions(Backend.CPU, 0, 64, 32));
    }

    @Test
    void colorimetryFromCaps() {
        assertEquals(new Colorimetry(Colorimetry.Matrix.BT709, false), Colorimetry.parse("bt709", PixelFormat.NV12, 180));
        assertEquals(new Colorimetry(Colorimetry.Matrix.BT601, true),
                Colorimetry.parse("1:4:0:0", PixelFormat.I420, 1080));
        assertEquals(new Colorimetry(Colorimetry.Matrix.BT709, false), Colorimetry.parse(null, PixelFormat.I420, 720));
        assertEquals(Colorimetry.Matrix.RGB, Colorimetry.parse(null, PixelFormat.RGBA, 720).matrix());
    }

    @Test
    void frameLayoutFollowsGStreamer() {
        VideoFrame i420 = VideoFrame.allocate(PixelFormat.I420, 17, 9);
        assertEquals(20, i420.stride(0));
        assertEquals(12, i420.stride(1));
        assertEquals(9, i420.planeWidth(1));
        assertEquals(5, i420.planeHeight(2));
        VideoFrame nv12 = VideoFrame.allocate(PixelFormat.NV12, 17, 9);
        assertEquals(20, nv12.stride(1));
        assertEquals(52, VideoFrame.allocate(PixelFormat.RGB, 17, 1).stride(0));
        assertEquals("{ NV12, I420, RGB, BGR, RGBA, BGRA, RGBx, BGRx }", PixelFormat.gstFormatList());
    }
}
