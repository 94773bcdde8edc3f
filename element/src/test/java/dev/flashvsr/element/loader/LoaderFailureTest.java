package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertNoCrash;
import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.command;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broken class path or JVM gives a readable error on stderr, no crash, and a plugin without
 * features that is not blacklisted.
 */
class LoaderFailureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String NOT_AVAILABLE = "flashvsr: the flashvsrfilter element is not available: ";
    private static final List<String> PIPELINE = command("gst-launch-1.0",
            "videotestsrc num-buffers=5 ! video/x-raw,format=RGB,width=64,height=48 ! flashvsrfilter ! fakesink");

    @TempDir
    Path tmp;

    private Result launchWith(String variable, String value) {
        Map<String, String> env = gstEnv(requirePluginDir(), tmp.resolve("registry.bin"));
        env.put(variable, value);
        Result r = run(env, TIMEOUT, PIPELINE);
        System.out.println(variable + "=" + value + " -> gst-launch-1.0 exit " + r.exitCode() + ", stderr:\n"
                + r.stderr());
        assertNoCrash(r);
        assertNotEquals(0, r.exitCode(), r::describe);
        assertTrue(r.all().contains("no element \"flashvsrfilter\""), r::describe);
        assertTrue(r.stderr().contains(NOT_AVAILABLE), r::describe);
        return r;
    }

    @Test
    void missingClassPathEntryIsReportedWithoutBootingAJvm() {
        Path missing = tmp.resolve("no-such.jar");
        Result r = launchWith("FLASHVSR_CLASSPATH", missing.toString());
        assertTrue(r.stderr().contains("class path entry " + missing + " (from FLASHVSR_CLASSPATH) does not exist"),
                r::describe);
        assertEquals(0, r.jvmBoots(null), r::describe);
    }

    @Test
    void classPathWithoutTheElementIsReported() {
        Path dir = requirePluginDir();
        String jna = List.of(dir.toFile().list()).stream().filter(n -> n.startsWith("jna")).findFirst().orElseThrow();
        Result r = launchWith("FLASHVSR_CLASSPATH", dir.resolve(jna).toString());
        assertTrue(r.stderr().contains("cannot load the Java class dev/flashvsr/element/FlashVsrPlugin"), r::describe);
        assertTrue(r.stderr().contains("ClassNotFoundException"), r::describe);
    }

    @Test
    void libjvmThatIsNotAJvmIsReported() {
        Path notAJvm = requirePluginDir().resolve(LoaderProcesses.CONFIG);
        Result r = launchWith("FLASHVSR_LIBJVM", notAJvm.toString());
        assertTrue(r.stderr().contains("cannot load libjvm " + notAJvm), r::describe);
    }

    @Test
    void badJvmOptionIsReported() {
        Result r = launchWith("FLASHVSR_JVM_OPTIONS", "-XX:+NoSuchOptionForFlashVsr");
        assertTrue(r.stderr().contains("JNI_CreateJavaVM failed"), r::describe);
    }

    /**
     * "-Xmx1k" makes the JVM end the process during JNI_CreateJavaVM; the loader's abort hook
     * turns that into a reported failure, so neither gst-plugin-scanner nor gst-launch-1.0 dies,
     * and the plugin is not blacklisted: without the option the element is back.
     */
    @Test
    void jvmThatAbortsDuringStartupDoesNotTakeTheProcessDownOrBlacklistThePlugin() {
        Result r = launchWith("FLASHVSR_JVM_OPTIONS", "-Xmx1k");
        assertTrue(r.stderr().contains("Too small maximum heap"), r::describe);
        assertTrue(r.stderr().contains("JNI_CreateJavaVM failed"), r::describe);

        Map<String, String> env = gstEnv(requirePluginDir(), tmp.resolve("registry.bin"));
        Result fixed = run(env, TIMEOUT, PIPELINE);
        assertSucceeded(fixed);
        assertTrue(fixed.stdout().contains("Got EOS"), fixed::describe);
    }
}
