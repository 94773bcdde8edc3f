package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static dev.flashvsr.element.loader.LoaderProcesses.sinkBuffers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.flashvsr.load.SyntheticRelease;
import dev.flashvsr.engine.memory.MachineMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FlashVSR at a real size in a real gst-launch-1.0 process: a synthetic v1.1 release with the
 * official dims and formats and {@value #LAYERS} of the 30 DiT blocks (its DiT file exceeds 2 GB,
 * the limit of protobuf and of in-memory ONNX models) is imported, then {@value #FRAMES} frames
 * of 32x32 are upscaled to 128x128 under {@code /usr/bin/time -v}: one frame out per frame in,
 * and peak resident memory within the weights once (file-mapped pages count as resident) plus
 * activations. Needs about 7 GB in the temp folder. Run it alone with
 * {@code mvn -B -ntp -pl element -am verify -Dtest=FlashVsrRealSizeTest -Dsurefire.failIfNoSpecifiedTests=false}
 * or by its tag: {@code -Dgroups=real-size}. The full-size check is {@code scripts/flashvsr-scale-check.sh}.
 */
@Tag("real-size")
class FlashVsrRealSizeTest {
    private static final int LAYERS = 12;
    private static final int FRAMES = 13;
    /** Bytes of one 128x128 RGB output buffer (rows of 384 bytes need no padding). */
    private static final long OUTPUT_FRAME_BYTES = 128L * 128 * 3;
    /**
     * Besides the weights: ONNX Runtime's activations and arenas at 128x128, the JVM and
     * GStreamer (the tiny golden model streams in well under 1 GB).
     */
    private static final long ACTIVATIONS_AND_RUNTIME = 1536L << 20;
    /** Graph building and session loading at real dims, 13 frames, a JVM boot, on two busy cores. */
    private static final Duration TIMEOUT = Duration.ofMinutes(15);
    private static final Pattern PEAK_RESIDENT = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    /** GStreamer's log clock (since the process started) on the element's line once its session is open. */
    private static final Pattern SESSION_OPEN = Pattern.compile("(?m)^(\\d+):(\\d+):([0-9.]+) .*input .*: session");
    private static final Path GNU_TIME = Path.of("/usr/bin/time");
    /** Somewhat above the peak measured (4.4 GiB), so that the element's own memory check passes. */
    private static final long MEMORY_NEEDED = 6L << 30;

    @TempDir
    Path tmp;

    @Test
    void twelveLayerReleaseStreamsOneFramePerInputWithinTheMemoryBound() throws Exception {
        Path pluginDir = requirePluginDir();
        assumeTrue(Files.getFileStore(tmp).getUsableSpace() > (8L << 30),
                "needs 8 GB free in " + tmp + " for the release and its imported copy");
        assertTrue(Files.isExecutable(GNU_TIME), GNU_TIME + " (GNU time) is missing: run scripts/install-deps.sh");
        MachineMemory memory = MachineMemory.read();
        assumeTrue(memory.availableBytes() > MEMORY_NEEDED, "needs " + (MEMORY_NEEDED >> 20) + " MiB of memory available"
                + " (the 12-layer model's weights and working memory), has " + (memory.availableBytes() >> 20)
                + " MiB (" + memory.source() + ")");

        Path release = tmp.resolve("release");
        long start = System.nanoTime();
        SyntheticRelease.write(release, LAYERS, 1, line -> { });
        double generation = secondsSince(start);
        long ditBytes = Files.size(release.resolve(FlashVsrRelease.DIT_FILE));
        assertTrue(ditBytes > (2L << 30), "the DiT file must exceed 2 GiB: " + ditBytes + " bytes");

        Path pkg = tmp.resolve("package");
        start = System.nanoTime();
        List<String> importLines = new ArrayList<>();
        FlashVsrImport.run(release, pkg, new FlashVsrImport.Settings("real-size-" + LAYERS, false, null, null, null),
                importLines::add);
        double importing = secondsSince(start);

        Map<String, String> env = gstEnv(pluginDir, tmp.resolve("registry.bin"));
        env.put("GST_DEBUG", "flashvsrloader:4,flashvsr:4");
        List<String> cmd = new ArrayList<>(List.of(GNU_TIME.toString(), "-v"));
        cmd.addAll(command("gst-launch-1.0", "-v videotestsrc num-buffers=" + FRAMES + " pattern=ball"
                + " ! video/x-raw,format=RGB,width=32,height=32,framerate=8/1 ! flashvsrfilter model=" + pkg
                + " ! fakesink silent=false"));
        Result r = run(env, TIMEOUT, null, cmd);

        long bound = memoryBound(release);
        long peak = match(PEAK_RESIDENT, r.stderr()).map(m -> Long.parseLong(m.group(1)) << 10).orElse(-1L);
        String sessionOpen = match(SESSION_OPEN, r.stderr()).map(m -> String.format(Locale.ROOT, "%.1f s",
                Integer.parseInt(m.group(1)) * 3600 + Integer.parseInt(m.group(2)) * 60
                        + Double.parseDouble(m.group(3)))).orElse("never");
        System.out.printf(Locale.ROOT, "FlashVSR %d of 30 layers (DiT %,d bytes): release written in %.1f s, imported"
                + " in %.1f s; gst-launch-1.0 exit %d after %.1f s, session open at %s, peak resident %d MiB"
                + " (bound %d MiB)%n", LAYERS, ditBytes, generation, importing, r.exitCode(),
                r.elapsed().toMillis() / 1e3, sessionOpen, peak >> 20, bound >> 20);

        assertSucceeded(r);
        assertEquals(FRAMES, sinkBuffers(r, OUTPUT_FRAME_BYTES), () -> "one output frame per input: " + r.describe());
        assertTrue(peak > 0, () -> "no peak resident memory in /usr/bin/time's report: " + r.describe());
        assertTrue(peak < bound, () -> String.format(Locale.ROOT, "peak resident memory %d MiB exceeds %d MiB (the"
                + " weights once, the BF16 projector as FP32, plus %d MiB)", peak >> 20, bound >> 20,
                ACTIVATIONS_AND_RUNTIME >> 20));
    }

    /** DiT and decoder as stored, the BF16 projector widened to FP32, plus activations and runtime. */
    private static long memoryBound(Path release) throws IOException {
        return Files.size(release.resolve(FlashVsrRelease.DIT_FILE))
                + 2 * Files.size(release.resolve(FlashVsrRelease.LQ_PROJ_FILE))
                + Files.size(release.resolve(FlashVsrRelease.TC_DECODER_FILE)) + ACTIVATIONS_AND_RUNTIME;
    }

    private static Optional<Matcher> match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m) : Optional.empty();
    }

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
