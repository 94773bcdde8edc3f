package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurements for the closing note, not a timed test (nothing is asserted about the
 * numbers). Run with {@code mvn -pl element test -Dtest=LoaderOverheadMeasurementTest
 * -Dflashvsr.loader.measure=true -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <ul>
 *   <li>Per-buffer cost of flashvsrfilter in passthrough-sized work against C elements doing the
 *       same job: {@code 16x16 ! flashvsrfilter scale=2} vs {@code 16x16 ! identity ! videoscale
 *       ! 32x32}, from gst-launch-1.0's "Execution ended after" (PLAYING to EOS, so plugin
 *       loading and the JVM boot are not included).</li>
 *   <li>JVM boot and plugin_init time in gst-plugin-scanner, from the loader's debug log, with a
 *       fresh registry each time.</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "flashvsr.loader.measure", matches = "true")
class LoaderOverheadMeasurementTest {
    private static final int BUFFERS = 5000;
    private static final int RUNS = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @TempDir
    Path tmp;

    @Test
    void perBufferOverheadAgainstIdentity() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));
        String src = "videotestsrc num-buffers=" + BUFFERS + " pattern=black ! video/x-raw,format=RGB,width=16,height=16";
        Map<String, String> pipelines = new LinkedHashMap<>();
        pipelines.put("source only", src + " ! fakesink");
        pipelines.put("identity", src + " ! identity ! fakesink");
        pipelines.put("identity+videoscale", src + " ! identity ! videoscale ! video/x-raw,width=32,height=32 ! fakesink");
        pipelines.put("videoscale", src + " ! videoscale ! video/x-raw,width=32,height=32 ! fakesink");
        pipelines.put("flashvsrfilter scale=2", src + " ! flashvsrfilter scale=2 ! fakesink");
        // warm the registry and the page cache
        assertSucceeded(run(env, TIMEOUT, command("gst-launch-1.0", pipelines.get("flashvsrfilter scale=2"))));

        Map<String, Double> medianUs = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : pipelines.entrySet()) {
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                Result r = run(env, TIMEOUT, command("gst-launch-1.0", p.getValue()));
                assertSucceeded(r);
                long ns = r.executionNanos();
                assertTrue(ns > 0, r::describe);
                nanos.add(ns);
            }
            Collections.sort(nanos);
            double perBuffer = nanos.get(nanos.size() / 2) / 1000.0 / BUFFERS;
            medianUs.put(p.getKey(), perBuffer);
            System.out.printf("%-24s median %.3f us/buffer over %d buffers (runs, ms: %s)%n", p.getKey(), perBuffer,
                    BUFFERS, nanos.stream().map(n -> String.format("%.1f", n / 1e6)).toList());
        }
        System.out.printf("flashvsrfilter scale=2 minus identity+videoscale: %.3f us/buffer%n",
                medianUs.get("flashvsrfilter scale=2") - medianUs.get("identity+videoscale"));
    }

    @Test
    void jvmBootTimeInThePluginScanner() {
        Path dir = requirePluginDir();
        List<Double> boots = new ArrayList<>();
        List<Double> inits = new ArrayList<>();
        List<Long> walls = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            Map<String, String> env = gstEnv(dir, tmp.resolve("registry-" + i + ".bin"));
            Result r = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
            assertSucceeded(r);
            boots.addAll(r.matches(LoaderProcesses.JVM_BOOTED, 1));
            inits.addAll(r.matches(LoaderProcesses.PLUGIN_INIT, 2));
            walls.add(r.elapsed().toMillis());
        }
        Collections.sort(boots);
        Collections.sort(inits);
        System.out.printf("gst-plugin-scanner: JNI_CreateJavaVM ms %s (median %.1f); whole plugin_init ms %s"
                + " (median %.1f); gst-inspect-1.0 flashvsr with a fresh registry, wall ms %s%n", boots,
                boots.get(boots.size() / 2), inits, inits.get(inits.size() / 2), walls);
    }
}
