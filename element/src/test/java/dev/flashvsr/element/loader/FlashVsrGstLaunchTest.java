package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden FlashVSR run in a real gst-launch-1.0 process through the native loader: raw frames
 * from a file, upscaled by the imported golden package, written to a file and compared with
 * upstream's frames.
 */
class FlashVsrGstLaunchTest {
    /** Graph building, 29 frames of the tiny model and a JVM boot on two busy cores. */
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @TempDir
    Path tmp;

    /** GStreamer's default row stride for packed RGB (what rawvideoparse and the pool use). */
    private static int rgbStride(int width) {
        return (3 * width + 3) & ~3;
    }

    @Test
    void reproducesUpstreamFromRawFileToRawFile() throws Exception {
        Path dir = requirePluginDir();
        GoldenPipeline golden = GoldenPipeline.load(GoldenData.root());
        Path pkg = tmp.resolve("tiny-golden");
        golden.importPackage(pkg);
        Path lowRes = tmp.resolve("lr.rgb");
        try (OutputStream out = Files.newOutputStream(lowRes)) {
            for (int i = 0; i < golden.frames(); i++) {
                out.write(golden.lowResFrame(i, rgbStride(golden.width())));
            }
        }
        Path upscaled = tmp.resolve("out.rgb");
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, command("gst-launch-1.0",
                "filesrc location=" + lowRes + " ! rawvideoparse format=rgb width=" + golden.width() + " height="
                        + golden.height() + " framerate=8/1 ! flashvsrfilter model=" + pkg
                        + " upstream-reference=true noise-file=" + golden.noiseFile() + " ! filesink location="
                        + upscaled));
        assertSucceeded(r);
        assertTrue(r.stdout().contains("Got EOS from element \"pipeline0\""), r::describe);

        byte[] bytes = Files.readAllBytes(upscaled);
        int stride = rgbStride(golden.outputWidth());
        int frameSize = stride * golden.outputHeight();
        assertEquals((long) golden.frames() * frameSize, bytes.length, "exactly one output frame per input");
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < golden.frames(); i++) {
            frames.add(Arrays.copyOfRange(bytes, i * frameSize, (i + 1) * frameSize));
        }
        GoldenPipeline.Comparison comparison = golden.compare(frames, stride);
        System.out.println("gst-launch-1.0, golden package: " + comparison);
        assertTrue(comparison.maxDifference() <= 1, comparison::toString);
    }
}
