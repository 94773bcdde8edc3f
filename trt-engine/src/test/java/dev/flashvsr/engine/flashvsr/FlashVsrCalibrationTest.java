package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.flashvsr.FlashVsrCalibration.Method;
import dev.flashvsr.engine.flashvsr.graph.LinearQuantization;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlashVsrCalibration} on the tiny golden model: reproducible scales files, the same from
 * frames and from a PNG folder, recorded in the manifest and checked at open; bad streams and bad
 * ranges refused with nothing written.
 */
class FlashVsrCalibrationTest {
    @TempDir
    Path dir;

    static GoldenPipeline golden;

    @BeforeAll
    static void load() throws Exception {
        golden = GoldenPipeline.load(GoldenData.root());
    }

    private Path importPackage(String name) throws EngineException {
        Path pkg = dir.resolve(name);
        golden.importPackage(pkg);
        return pkg;
    }

    /** The golden clip's frames, the last repeated up to {@code count}. */
    private static List<VideoFrame> frames(int count) {
        List<VideoFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, golden.width(), golden.height());
            frame.plane(0).put(0, golden.lowResFrame(Math.min(i, golden.frames() - 1), frame.stride(0)));
            frames.add(frame);
        }
        return frames;
    }

    private static List<Path> scalesFiles(Path pkg) throws Exception {
        try (Stream<Path> files = Files.list(pkg)) {
            return files.filter(f -> f.getFileName().toString().startsWith("int8-scales")).toList();
        }
    }

    @Test
    void framesAndAPngFolderOfThemGiveTheSameFileByteForByteRecordedInTheManifest() throws Exception {
        Path first = importPackage("first");
        Path written = FlashVsrCalibration.run(first, 4, frames(FlashVsrCalibration.MIN_FRAMES), Method.MAX,
                OpenProgress.NONE);
        assertEquals(List.of(written), scalesFiles(first));
        String manifest = Files.readString(first.resolve("manifest.json"));
        assertTrue(manifest.contains(written.getFileName().toString()), manifest);

        Path pngs = Files.createDirectories(dir.resolve("pngs"));
        List<VideoFrame> frames = frames(FlashVsrCalibration.MIN_FRAMES);
        for (int i = 0; i < frames.size(); i++) {
            ImageIO.write(image(frames.get(i)), "png", pngs.resolve(String.format("frame-%03d.png", i)).toFile());
        }
        Path second = importPackage("second");
        List<Double> fractions = new ArrayList<>();
        Path fromPngs = FlashVsrCalibration.runOnPngFolder(second, 4, pngs, Method.MAX,
                (step, fraction) -> fractions.add(fraction));
        assertEquals(written.getFileName(), fromPngs.getFileName());
        assertArrayEquals(Files.readAllBytes(written), Files.readAllBytes(fromPngs));
        assertEquals(1.0, fractions.get(fractions.size() - 1), 1e-9, "progress ends at 1");

        try (FlashVsrPackage pkg = FlashVsrPackage.open(second)) {
            Int8Scales scales = pkg.int8Scales().orElseThrow();
            assertEquals(Method.MAX, scales.method());
            assertEquals(FlashVsrCalibration.MIN_FRAMES, scales.frames());
            assertEquals(LinearQuantization.layerNames(pkg.config().dit().numLayers()),
                    List.copyOf(scales.layers().keySet()));
        }
    }

    @Test
    void calibratingAgainReplacesThePreviousScalesAndAChangedFileIsRefusedAtOpen() throws Exception {
        Path pkg = importPackage("again");
        Path max = FlashVsrCalibration.run(pkg, 4, frames(FlashVsrCalibration.MIN_FRAMES), Method.MAX,
                OpenProgress.NONE);
        Path percentile = FlashVsrCalibration.run(pkg, 4, frames(FlashVsrCalibration.MIN_FRAMES), Method.PERCENTILE,
                OpenProgress.NONE);
        assertEquals(List.of(percentile), scalesFiles(pkg), "the max scales are gone");
        assertTrue(!max.equals(percentile));
        try (FlashVsrPackage opened = FlashVsrPackage.open(pkg)) {
            assertEquals(Method.PERCENTILE, opened.int8Scales().orElseThrow().method());
        }
        Files.writeString(percentile, Files.readString(percentile).replace("p99.99", "max"));
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrPackage.open(pkg).close());
        assertTrue(e.getMessage().contains(percentile.getFileName().toString())
                && e.getMessage().contains("changed after calibration"), e.getMessage());
    }

    @Test
    void tooFewFramesAreRefusedAndNothingIsWritten() throws Exception {
        Path pkg = importPackage("short");
        byte[] manifest = Files.readAllBytes(pkg.resolve("manifest.json"));
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrCalibration.run(pkg, 4,
                frames(FlashVsrCalibration.MIN_FRAMES - 1), Method.MAX, OpenProgress.NONE));
        assertTrue(e.getMessage().contains("at least " + FlashVsrCalibration.MIN_FRAMES + " frames")
                && e.getMessage().contains("has " + (FlashVsrCalibration.MIN_FRAMES - 1)), e.getMessage());
        EngineException empty = assertThrows(EngineException.class, () -> FlashVsrCalibration.runOnPngFolder(pkg, 4,
                Files.createDirectories(dir.resolve("no-pngs")), Method.MAX, OpenProgress.NONE));
        assertTrue(empty.getMessage().contains("no-pngs has 0"), empty.getMessage());
        assertArrayEquals(manifest, Files.readAllBytes(pkg.resolve("manifest.json")));
        assertEquals(List.of(), scalesFiles(pkg));
    }

    @Test
    void aFrameOfAnotherSizeIsRefusedAndNothingIsWritten() throws Exception {
        Path pkg = importPackage("mixed");
        List<VideoFrame> frames = frames(FlashVsrCalibration.MIN_FRAMES);
        frames.set(30, VideoFrame.allocate(PixelFormat.RGB, golden.width() + 2, golden.height()));
        EngineException e = assertThrows(EngineException.class, () -> FlashVsrCalibration.run(pkg, 4, frames,
                Method.MAX, OpenProgress.NONE));
        assertTrue(e.getMessage().contains("frame 30 is " + (golden.width() + 2) + "x" + golden.height()),
                e.getMessage());
        assertEquals(List.of(), scalesFiles(pkg));
        try (FlashVsrPackage opened = FlashVsrPackage.open(pkg)) {
            assertTrue(opened.int8Scales().isEmpty());
        }
    }

    @Test
    void anotherScaleOrAnUnreadablePngIsRefusedAndNothingIsWritten() throws Exception {
        Path pkg = importPackage("bad-input");
        EngineException scale = assertThrows(EngineException.class, () -> FlashVsrCalibration.run(pkg, 3,
                frames(FlashVsrCalibration.MIN_FRAMES), Method.MAX, OpenProgress.NONE));
        assertTrue(scale.getMessage().contains("2 or 4, not 3"), scale.getMessage());
        Path pngs = Files.createDirectories(dir.resolve("broken"));
        for (int i = 0; i < FlashVsrCalibration.MIN_FRAMES; i++) {
            Files.writeString(pngs.resolve(String.format("frame-%03d.png", i)), "not a PNG");
        }
        EngineException png = assertThrows(EngineException.class, () -> FlashVsrCalibration.runOnPngFolder(pkg, 4,
                pngs, Method.MAX, OpenProgress.NONE));
        assertTrue(png.getMessage().contains("frame-000.png") && png.getMessage().contains("as a PNG image"),
                png.getMessage());
        assertEquals(List.of(), scalesFiles(pkg));
    }

    @Test
    void aNonFiniteOrMissingRangeIsRefused() {
        FlashVsrCalibration.RangeCollector ranges = new FlashVsrCalibration.RangeCollector();
        ranges.add(Map.of(LinearQuantization.ABS_MAX_PREFIX + "blocks.0.ffn.0", new float[] {Float.NaN},
                LinearQuantization.PERCENTILE_PREFIX + "blocks.0.ffn.0", new float[] {1f},
                LinearQuantization.ABS_MAX_PREFIX + "blocks.0.ffn.2", new float[] {Float.POSITIVE_INFINITY},
                LinearQuantization.PERCENTILE_PREFIX + "blocks.0.ffn.2", new float[] {1f}));
        EngineException nan = assertThrows(EngineException.class, () -> ranges.ranges(List.of("blocks.0.ffn.0")));
        assertTrue(nan.getMessage().contains("blocks.0.ffn.0") && nan.getMessage().contains("NaN")
                && nan.getMessage().contains("nothing was written"), nan.getMessage());
        EngineException inf = assertThrows(EngineException.class, () -> ranges.ranges(List.of("blocks.0.ffn.2")));
        assertTrue(inf.getMessage().contains("Infinity"), inf.getMessage());
        EngineException missing = assertThrows(EngineException.class, () -> ranges.ranges(List.of("blocks.0.ffn.9")));
        assertTrue(missing.getMessage().contains("measured nothing at blocks.0.ffn.9"), missing.getMessage());
    }

    @Test
    void aScalesFileWithBadRangesOrOtherLayersIsRefused() {
        List<String> layers = List.of("blocks.0.ffn.0", "blocks.0.ffn.2");
        String good = "{\"format\": \"" + Int8Scales.FORMAT + "\", \"method\": \"max\", \"layers\": {"
                + "\"blocks.0.ffn.0\": {\"absMax\": 2.0, \"p9999\": 1.5}, \"blocks.0.ffn.2\": {\"absMax\": 3.0, "
                + "\"p9999\": 1.0}}}";
        assertTrue(assertDoesNotThrow(good, layers).inputScales().get("blocks.0.ffn.0") == 2.0f / 127);
        for (String bad : List.of(good.replace("2.0", "-2.0"), good.replace("3.0", "0.5"),
                good.replace("blocks.0.ffn.2", "blocks.0.ffn.3"), good.replace("\"max\"", "\"mean\""))) {
            EngineException e = assertThrows(EngineException.class, () -> Int8Scales.parse(
                    bad.getBytes(StandardCharsets.UTF_8), "scales.json", layers), bad);
            assertTrue(e.getMessage().startsWith("scales.json cannot be used"), e.getMessage());
        }
    }

    private static Int8Scales assertDoesNotThrow(String json, List<String> layers) {
        try {
            return Int8Scales.parse(json.getBytes(StandardCharsets.UTF_8), "scales.json", layers);
        } catch (EngineException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static BufferedImage image(VideoFrame frame) {
        BufferedImage image = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int at = y * frame.stride(0) + 3 * x;
                image.setRGB(x, y, (frame.plane(0).get(at) & 0xff) << 16 | (frame.plane(0).get(at + 1) & 0xff) << 8
                        | (frame.plane(0).get(at + 2) & 0xff));
            }
        }
        return image;
    }
}
