package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertNoCrash;
import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.awaitOutput;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Plain gst-launch-1.0 pipelines with flashvsrfilter, hosted by the native loader. */
class GstLaunchLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** One registry for the whole class: the first run scans, the others use the cache. */
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static List<String> formats() {
        return FlashVsrFormats.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void everyInputFormatStreamsThroughGstLaunch(String format) {
        Path dir = requirePluginDir();
        Result r = run(gstEnv(dir, shared.resolve("registry.bin")), TIMEOUT, command("gst-launch-1.0",
                "-v videotestsrc num-buffers=20 ! video/x-raw,format=" + format + ",width=64,height=48"
                        + " ! flashvsrfilter scale=2 ! fakesink"));
        assertSucceeded(r);
        assertTrue(r.stdout().contains("Got EOS from element \"pipeline0\""), r::describe);
        String sinkCaps = "GstFakeSink:fakesink0.GstPad:sink: caps = video/x-raw, format=(string)" + format
                + ", width=(int)128, height=(int)96";
        assertTrue(r.stdout().contains(sinkCaps), () -> "expected '" + sinkCaps + "' in\n" + r.describe());
    }

    /**
     * backend=auto for the bicubic model, which the cuda backend runs: without a GPU it runs on the
     * CPU and the start-up log says why not on the GPU.
     */
    @Test
    void backendAutoLogsWhyItPassedOverTheGpu() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, shared.resolve("registry.bin"));
        env.put("GST_DEBUG", "flashvsr:4");
        Result r = run(env, TIMEOUT, command("gst-launch-1.0", "videotestsrc num-buffers=3"
                + " ! video/x-raw,format=NV12,width=64,height=48 ! flashvsrfilter model=bicubic ! fakesink"));
        assertSucceeded(r);
        Pattern choice = Pattern.compile("backend CPU \\(asked: AUTO; passed over cuda: not usable here: .*"
                + "(libcuda\\.so\\.1|libcudart\\.so\\.13|GPU)");
        assertTrue(choice.matcher(r.stderr()).find(), r::describe);
    }

    @Test
    void sigintMidStreamEndsWithEosAndExitCodeZero() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));
        for (int attempt = 1; attempt <= 2; attempt++) {
            boolean[] sent = {false};
            Result r = run(env, TIMEOUT, (p, output, deadline) -> {
                // 1 s of streaming after PLAYING, then Ctrl-C
                if (awaitOutput(p, output, o -> o.contains("Setting pipeline to PLAYING"), deadline)) {
                    Thread.sleep(1000);
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start()
                            .waitFor(10, TimeUnit.SECONDS);
                    sent[0] = true;
                }
            }, command("gst-launch-1.0", "-e videotestsrc is-live=true"
                    + " ! video/x-raw,format=I420,width=64,height=48,framerate=30/1"
                    + " ! flashvsrfilter scale=2 ! fakesink"));
            assertTrue(sent[0], () -> "pipeline never reached PLAYING: " + r.describe());
            assertSucceeded(r);
            assertTrue(r.stdout().contains("handling interrupt"), r::describe);
            assertTrue(r.stdout().contains("Got EOS from element \"pipeline0\""), r::describe);
        }
    }

    /**
     * 5,000 frames (the prototype's signal bug killed the process by then) while a JVM thread
     * forces a full GC, and thus a safepoint, every 2 ms: without the JVM's SIGSEGV handler the
     * streaming thread dies ("Caught SIGSEGV") at its first safepoint poll.
     */
    @Test
    void fiveThousandFramesWithForcedGcDoNotCrash() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));
        env.put("FLASHVSR_JVM_OPTIONS", "-D" + NativeLoaderHooks.GC_STRESS_PROPERTY + "=2 -Xlog:gc:stdout");
        Result r = run(env, Duration.ofSeconds(300), command("gst-launch-1.0",
                "videotestsrc num-buffers=5000 ! video/x-raw,format=RGB,width=32,height=24"
                        + " ! flashvsrfilter scale=2 ! fakesink"));
        assertSucceeded(r);
        assertTrue(r.stdout().contains("Got EOS from element \"pipeline0\""), r::describe);
        long forcedGcs = Pattern.compile("Pause Full \\(System\\.gc\\(\\)\\)").matcher(r.stdout()).results().count();
        System.out.printf("5000 frames with forced GC: %d forced GCs, %.1f s wall%n", forcedGcs,
                r.elapsed().toMillis() / 1000.0);
        assertTrue(forcedGcs >= 20, () -> "too few forced GCs (" + forcedGcs + ") to trust the run: " + r.describe());
    }

    /** The README's main job: decode a file, upscale, encode (x264enc: plugins-ugly; decoder: libav). */
    @Test
    void mainJobTranscodesAFileThroughFlashvsrfilter() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));
        Path sample = tmp.resolve("sample.mp4");
        Path out = tmp.resolve("out.mp4");
        Result made = run(env, TIMEOUT, command("gst-launch-1.0", "videotestsrc num-buffers=30"
                + " ! video/x-raw,width=160,height=120,framerate=30/1 ! x264enc ! mp4mux ! filesink location=" + sample));
        assertSucceeded(made);

        Result job = run(env, TIMEOUT, command("gst-launch-1.0", "filesrc location=" + sample
                + " ! decodebin ! videoconvert ! flashvsrfilter ! videoconvert ! x264enc ! mp4mux"
                + " ! filesink location=" + out));
        assertSucceeded(job);
        assertTrue(job.stdout().contains("Got EOS from element \"pipeline0\""), job::describe);

        Result check = run(env, TIMEOUT, command("gst-launch-1.0", "-v filesrc location=" + out
                + " ! decodebin ! fakesink"));
        assertSucceeded(check);
        assertTrue(Pattern.compile("GstFakeSink:fakesink0.GstPad:sink: caps = video/x-raw, .*width=\\(int\\)640,"
                + " height=\\(int\\)480").matcher(check.stdout()).find(), check::describe);
    }

    @Test
    void sameProcessCanRunTwoPipelinesAndTheJvmBootsOnce() {
        Path dir = requirePluginDir();
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, command("gst-launch-1.0",
                "videotestsrc num-buffers=10 ! video/x-raw,format=BGRx,width=64,height=48 ! flashvsrfilter"
                        + " ! fakesink videotestsrc num-buffers=10 ! video/x-raw,format=NV12,width=32,height=32"
                        + " ! flashvsrfilter ! fakesink"));
        assertSucceeded(r);
        assertEquals(1, r.jvmBoots("gst-launch-1.0"), r::describe);
    }

    @Test
    void gstLaunchErrorIsReportedNotCrashed() {
        Path dir = requirePluginDir();
        // a model that does not exist: the element fails through GStreamer, the process exits normally
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, command("gst-launch-1.0",
                "videotestsrc num-buffers=5 ! video/x-raw,format=RGB,width=64,height=48"
                        + " ! flashvsrfilter model=no-such-model ! fakesink"));
        assertNoCrash(r);
        assertTrue(r.exitCode() != 0, r::describe);
        assertTrue(r.all().contains("ERROR"), r::describe);
    }
}
