package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static dev.flashvsr.element.loader.LoaderProcesses.sinkBuffers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 3840x2160 RGB at scale 4 with the default model, two frames, in a real gst-launch-1.0 process
 * under {@code max-memory}: untiled it took 17.5 GB; now the element tiles automatically, says so
 * on the bus and in the log, and the process's peak resident memory exceeds that of the same
 * pipeline with {@code model=bicubic} (same frames and buffers, a session that holds almost
 * nothing) by no more than the budget. The peak is the kernel's {@code VmHWM} of the process, read
 * while it runs.
 */
class LargeFrameMemoryTest {
    /** Two 4K frames at x4 through the network take 20-100 s on two cores, depending on load. */
    private static final Duration TIMEOUT = Duration.ofSeconds(480);
    private static final long BUDGET_MIB = 1536;
    private static final String PIPELINE = "videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=3840,height=2160"
            + " ! flashvsrfilter %s ! fakesink silent=false";
    /** One 15360x8640 RGB output buffer (rows of 46,080 bytes need no padding). */
    private static final long OUTPUT_FRAME_BYTES = 15360L * 8640 * 3;

    @TempDir
    Path tmp;

    @Test
    void fourKAtScaleFourIsTiledWithinTheBudget() {
        Path dir = requirePluginDir();
        Peak bicubic = runMeasured(dir, "model=bicubic");
        Peak tiled = runMeasured(dir, "max-memory=" + BUDGET_MIB);
        String info = "tiling automatically with tile-size";
        assertTrue(tiled.result.stdout().contains(info),
                () -> "no INFO message on the bus: " + tiled.result.describe());
        assertTrue(tiled.result.stderr().contains(info), () -> "no INFO log line: " + tiled.result.describe());
        long growth = tiled.bytes - bicubic.bytes;
        System.out.printf("3840x2160 RGB x4, 2 frames: peak resident %d MiB with max-memory=%d (tiled), %d MiB with"
                + " model=bicubic: %d MiB more (%.1f s and %.1f s)%n", tiled.bytes >> 20, BUDGET_MIB,
                bicubic.bytes >> 20, growth >> 20, tiled.result.elapsed().toMillis() / 1e3,
                bicubic.result.elapsed().toMillis() / 1e3);
        assertTrue(growth <= BUDGET_MIB << 20, () -> "the session took " + (growth >> 20) + " MiB, over the budget of "
                + BUDGET_MIB + " MiB: " + tiled.result.describe());
    }

    private record Peak(Result result, long bytes) {
    }

    /** Runs the pipeline with these element properties; checks it made two full-size frames. */
    private Peak runMeasured(Path pluginDir, String properties) {
        Map<String, String> env = gstEnv(pluginDir, tmp.resolve("registry.bin"));
        env.put("GST_DEBUG", "flashvsr:4");
        AtomicLong peak = new AtomicLong();
        Result r = run(env, TIMEOUT, (process, output, deadline) -> {
            Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
            while (process.isAlive() && System.nanoTime() < deadline) {
                peak.accumulateAndGet(peakResident(status), Math::max);
                Thread.sleep(100);
            }
        }, command("gst-launch-1.0", "-v " + String.format(PIPELINE, properties)));
        assertSucceeded(r);
        assertEquals(2, sinkBuffers(r, OUTPUT_FRAME_BYTES), r::describe);
        assertTrue(peak.get() > 0, "no peak resident memory read");
        return new Peak(r, peak.get());
    }

    /** VmHWM of a running process, in bytes; 0 once it has exited. */
    private static long peakResident(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // the process has just exited
        }
        return 0;
    }
}
