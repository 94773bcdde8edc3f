package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gst-inspect-1.0 sees the element and the plugin through the native loader. */
class GstInspectLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void inspectElementPrintsMetadataPadTemplatesAndProperties() {
        Result r = inspectElement();
        String out = r.stdout();
        for (String expected : List.of("Factory Details:", "Long-name", "Klass", "Description", "Author",
                "Plugin Details:", "flashvsr", "LGPL", "GstFlashVsrFilter", "Pad Templates:",
                "SINK template: 'sink'", "SRC template: 'src'", "video/x-raw", "Element Properties:")) {
            assertTrue(out.contains(expected), () -> "missing '" + expected + "' in\n" + r.describe());
        }
        for (String format : FlashVsrFormats.ALL) {
            assertTrue(out.contains(format), () -> "pad templates lack " + format + ":\n" + r.describe());
        }
        assertTrue(Pattern.compile("(?m)^\\s+scale\\s+:").matcher(out).find(),
                () -> "no 'scale' property:\n" + r.describe());
    }

    /** The description names the default model as it is (it once said the built-in model was bicubic). */
    @Test
    void inspectElementDescribesTheDefaultModelAndTheMemoryBudget() {
        Result r = inspectElement();
        String out = r.stdout();
        assertTrue(Pattern.compile("(?m)^\\s+Description\\s+.*\\(default: vsr-small, a small recurrent network")
                .matcher(out).find(), r::describe);
        assertFalse(out.contains("built-in: bicubic;"), r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+model\\s+:.*empty selects the default, vsr-small$").matcher(out).find(),
                r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+max-memory\\s+: Working memory a session may take, in MiB")
                .matcher(out).find(), r::describe);
        assertTrue(Pattern.compile("Unsigned Integer64\\. Range: 0 - 16777216 Default: 0").matcher(out).find(),
                r::describe);
    }

    /** The precision choices, and the backend property listing the backends present (BackendListing). */
    @Test
    void inspectElementListsPrecisionsAndTheBackendsPresent() {
        Result r = inspectElement();
        String out = r.stdout();
        assertTrue(Pattern.compile("(?m)^\\s+backend\\s+: Where the model runs .*Present: tensorrt = NVIDIA TensorRT"
                + ".*; cuda = CUDA kernels .*; cpu = ONNX Runtime \\S+ on the CPU.*$")
                .matcher(out).find(), r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+precision\\s+: Arithmetic the model runs in").matcher(out).find(),
                r::describe);
        assertTrue(out.contains("Enum \"GstFlashVsrPrecision\" Default: 0, \"auto\""), r::describe);
        for (String nick : List.of("auto", "fp32", "fp16", "bf16", "int8")) {
            assertTrue(Pattern.compile("(?m)^\\s+\\(\\d\\): " + nick + "\\s+- ").matcher(out).find(),
                    () -> "no precision " + nick + ":\n" + r.describe());
        }
    }

    private Result inspectElement() {
        Path dir = requirePluginDir();
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, "gst-inspect-1.0", "flashvsrfilter");
        assertSucceeded(r);
        return r;
    }

    @Test
    void inspectPluginListsTheElement() {
        Path dir = requirePluginDir();
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, "gst-inspect-1.0", "flashvsr");
        assertSucceeded(r);
        String out = r.stdout();
        assertTrue(Pattern.compile("(?m)^\\s+Name\\s+flashvsr$").matcher(out).find(), r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+License\\s+LGPL$").matcher(out).find(), r::describe);
        assertTrue(out.contains(dir.resolve(LoaderProcesses.LIBRARY).toString()), r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+flashvsrfilter: ").matcher(out).find(), r::describe);
        assertTrue(Pattern.compile("(?m)^\\s+1 features:").matcher(out).find(), r::describe);
    }

    @Test
    void pluginIsListedAmongAllPlugins() {
        Path dir = requirePluginDir();
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, "gst-inspect-1.0");
        assertSucceeded(r);
        assertTrue(Pattern.compile("(?m)^flashvsr:\\s+flashvsrfilter: ").matcher(r.stdout()).find(), r::describe);
        assertEquals(0, r.stderr().lines().filter(l -> l.contains("flashvsr: the flashvsrfilter element is not"))
                .count(), r::describe);
    }
}
