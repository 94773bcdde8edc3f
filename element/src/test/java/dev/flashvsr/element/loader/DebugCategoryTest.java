package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GST_DEBUG=flashvsr:N shows the element's own lines, and the engine's Java logging, in gst-launch. */
class DebugCategoryTest {
    private static final String PIPELINE = "videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=64,height=48"
            + " ! flashvsrfilter scale=2 ! fakesink";

    @TempDir
    Path tmp;

    private Result launch(String debug) {
        Map<String, String> env = gstEnv(requirePluginDir(), tmp.resolve("registry.bin"));
        env.put("GST_DEBUG", debug);
        Result r = run(env, Duration.ofSeconds(90), command("gst-launch-1.0", PIPELINE));
        assertSucceeded(r);
        return r;
    }

    @Test
    void level5ShowsNegotiationModelChoiceAndFrameTimings() {
        String log = launch("flashvsr:5").stderr();
        assertTrue(log.contains("flashvsr") && log.contains("model 'vsr-small'") && log.contains("backend CPU"),
                log);
        assertTrue(log.contains("input video/x-raw, format=(string)I420, width=(int)64"), log);
        assertTrue(log.contains("output video/x-raw, format=(string)I420, width=(int)128"), log);
        assertTrue(Pattern.compile("frame pts \\d+: [0-9.]+ ms in the element").matcher(log).results().count() == 5,
                "one timing line per frame:\n" + log);
        assertTrue(log.contains("OnnxStreamingSession") && log.contains("ONNX Runtime session for"),
                "the engine's java.util.logging lines are routed into the category:\n" + log);
    }

    @Test
    void level4ShowsThePrecisionAndLeavesFrameTimingsOutAndNoCategoryLeavesEverythingOut() {
        String info = launch("flashvsr:4").stderr();
        assertTrue(info.contains("model 'vsr-small'"), info);
        assertTrue(Pattern.compile("precision (FP32|FP16|BF16|INT8) \\(asked: AUTO\\)").matcher(info).find(),
                "the start line says which precision runs and which was asked for:\n" + info);
        assertFalse(info.contains("frame pts") || info.contains("ONNX Runtime session for"), info);
        assertFalse(launch("flashvsrloader:1").stderr().contains("model 'vsr-small'"));
    }
}
