package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.PLUGIN_INIT;
import static dev.flashvsr.element.loader.LoaderProcesses.assertNoCrash;
import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.copyPluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GStreamer registry: a valid cache means no JVM starts for gst-inspect-1.0 of the plugin;
 * changed jars or config make GStreamer rescan the plugin; a broken set-up registers no features
 * but does not blacklist the plugin, so fixing it brings the element back.
 */
class RegistryLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern ONE_FEATURE = Pattern.compile("(?m)^\\s+1 features:");
    private static final Pattern NO_FEATURES = Pattern.compile("(?m)^\\s+0 features:");

    @TempDir
    Path tmp;

    @Test
    void secondInspectUsesTheRegistryCache() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));

        Result first = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
        assertSucceeded(first);
        Result second = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
        assertSucceeded(second);

        List<Double> boot = first.matches(LoaderProcesses.JVM_BOOTED, 1);
        List<Double> init = first.matches(PLUGIN_INIT, 2);
        System.out.printf("gst-inspect-1.0 flashvsr, fresh registry: %d ms (JVM boot in gst-plugin-scanner"
                + " %s ms, plugin_init %s ms); second run with the cache: %d ms, JVM boots: %d%n",
                first.elapsed().toMillis(), boot, init, second.elapsed().toMillis(), second.jvmBoots(null));

        assertEquals(1, first.jvmBoots("gst-plugin-scanner"), () -> "first run must scan: " + first.describe());
        assertTrue(ONE_FEATURE.matcher(first.stdout()).find(), first::describe);
        assertEquals(0, second.jvmBoots(null), () -> "second run booted a JVM: " + second.describe());
        assertTrue(ONE_FEATURE.matcher(second.stdout()).find(), second::describe);
        assertTrue(second.stdout().contains("flashvsrfilter"), second::describe);
    }

    @Test
    void changedJarTriggersARescan() throws IOException {
        requirePluginDir();
        Path dir = copyPluginDir(tmp.resolve("plugin"));
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));
        assertSucceeded(run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr"));
        Result cached = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
        assertEquals(0, cached.jvmBoots(null), cached::describe);

        Path jar;
        try (Stream<Path> files = Files.list(dir)) {
            jar = files.filter(f -> f.getFileName().toString().startsWith("trt-engine")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(10)));
        Result rescanned = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
        assertSucceeded(rescanned);
        assertEquals(1, rescanned.jvmBoots("gst-plugin-scanner"), () -> "no rescan after " + jar
                + " changed: " + rescanned.describe());
        assertTrue(ONE_FEATURE.matcher(rescanned.stdout()).find(), rescanned::describe);
    }

    @Test
    void brokenClassPathRegistersNoFeaturesAndFixingTheConfigBringsTheElementBack() throws IOException {
        requirePluginDir();
        Path dir = copyPluginDir(tmp.resolve("plugin"));
        Path config = dir.resolve(LoaderProcesses.CONFIG);
        String good = Files.readString(config);
        String jna;
        try (Stream<Path> files = Files.list(dir)) {
            jna = files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("jna")).findFirst()
                    .orElseThrow();
        }
        // a class path that exists but lacks the element
        String broken = good.replaceAll("(?m)^classpath=.*$", "classpath=" + jna);
        assertNotEquals(good, broken);
        Files.writeString(config, broken);
        Map<String, String> env = gstEnv(dir, tmp.resolve("registry.bin"));

        Result r1 = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsr");
        System.out.println("broken class path, stderr of gst-inspect-1.0 flashvsr:\n" + r1.stderr());
        assertSucceeded(r1); // the plugin is there (not blacklisted), just without features
        assertTrue(NO_FEATURES.matcher(r1.stdout()).find(), r1::describe);
        assertTrue(r1.stderr().contains("flashvsr: the flashvsrfilter element is not available"), r1::describe);
        assertTrue(r1.stderr().contains("NoClassDefFoundError: dev/flashvsr/element/FlashVsrPlugin"), r1::describe);
        assertTrue(r1.stderr().contains(config.toString()), r1::describe);

        Result r2 = run(env, TIMEOUT, "gst-launch-1.0", "videotestsrc", "num-buffers=5", "!", "flashvsrfilter", "!",
                "fakesink");
        assertNoCrash(r2);
        assertNotEquals(0, r2.exitCode(), r2::describe);
        assertTrue(r2.all().contains("no element \"flashvsrfilter\""), r2::describe);

        Files.writeString(config, good);
        Files.setLastModifiedTime(config, FileTime.from(Instant.now().plusSeconds(10)));
        Result r3 = run(env, TIMEOUT, "gst-inspect-1.0", "flashvsrfilter");
        assertSucceeded(r3);
        assertEquals(1, r3.jvmBoots("gst-plugin-scanner"), () -> "fixed config not rescanned: " + r3.describe());
        assertTrue(r3.stdout().contains("Factory Details:"), r3::describe);
    }
}
