package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import dev.flashvsr.engine.memory.MachineMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's JVM gets an explicit heap limit from {@code flashvsr.conf}, a quarter of the
 * machine's memory, and {@code FLASHVSR_JVM_OPTIONS} still overrides it. The element logs the
 * limit it runs with ({@code GST_DEBUG=flashvsr:4}).
 */
class JvmHeapLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String HEAP_OPTION = "-XX:MaxRAMPercentage=25";
    private static final Pattern HEAP_LINE = Pattern.compile("Java heap at most ([0-9.]+) (MiB|GiB)");

    /** One registry for the class: the first run scans, the other uses the cache. */
    @TempDir
    static Path shared;

    @Test
    void theWrittenConfigSetsTheHeapAndSaysWhy() throws Exception {
        String config = Files.readString(requirePluginDir().resolve(LoaderProcesses.CONFIG));
        String options = config.lines().filter(l -> l.startsWith("jvm-options=")).findFirst().orElseThrow();
        assertTrue(options.contains(";" + HEAP_OPTION + ";"), options);
        assertTrue(config.contains("# Heap: " + HEAP_OPTION + " lets the Java heap grow to a quarter of the memory"),
                config);
    }

    @Test
    void theJvmInGstLaunchTakesAQuarterOfTheMachine() {
        long heap = heapInGstLaunch(Map.of());
        long quarter = MachineMemory.read().totalBytes() / 4;
        assertEquals(quarter, heap, quarter * 0.03, "Java heap limit against a quarter of " + quarter * 4 + " bytes");
    }

    @Test
    void flashvsrJvmOptionsStillOverrideIt() {
        assertEquals(256L << 20, heapInGstLaunch(Map.of("FLASHVSR_JVM_OPTIONS", "-Xmx256m")), 1L << 20);
    }

    /** The heap limit the element logs in a gst-launch-1.0 run with these extra environment variables. */
    private static long heapInGstLaunch(Map<String, String> extraEnv) {
        Map<String, String> env = gstEnv(requirePluginDir(), shared.resolve("registry.bin"));
        env.put("GST_DEBUG", "flashvsrloader:5,flashvsr:4");
        env.putAll(extraEnv);
        Result r = run(env, TIMEOUT, command("gst-launch-1.0", "videotestsrc num-buffers=1 ! video/x-raw,width=32,"
                + "height=24 ! flashvsrfilter model=bicubic scale=2 ! fakesink"));
        assertSucceeded(r);
        assertTrue(r.all().contains("JVM option: " + HEAP_OPTION), r::describe);
        Matcher m = HEAP_LINE.matcher(r.all());
        assertTrue(m.find(), r::describe);
        double value = Double.parseDouble(m.group(1));
        return (long) (value * (m.group(2).equals("GiB") ? 1L << 30 : 1L << 20));
    }
}
