package dev.flashvsr.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link UpscaleApp} the way a user would: in its own JVM with the module's runtime class path. */
class UpscaleAppTest {
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    Path tmp;

    private record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs the app; {@code pluginDir} null runs it without GST_PLUGIN_PATH. */
    private Result runApp(Path pluginDir, String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("example.classes") + ":"
                + Files.readString(Path.of(System.getProperty("example.runtimeClasspathFile"))).trim();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xss4m", "-cp", classPath, UpscaleApp.class.getName()));
        command.addAll(List.of(args));
        Path out = tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.remove("GST_PLUGIN_PATH");
        // A registry per plugin path: one without the plugin must not remember it
        env.put("GST_REGISTRY", tmp.resolve(pluginDir == null ? "registry-none.bin" : "registry.bin").toString());
        if (pluginDir != null) {
            env.put("GST_PLUGIN_PATH", pluginDir.toString());
        }
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("UpscaleApp did not finish within " + TIMEOUT_SECONDS + " s:\n" + Files.readString(out)
                    + Files.readString(err));
        }
        Result r = new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        assertFalse(r.stdout().contains("hs_err") || r.stderr().contains("A fatal error has been detected"),
                r::toString);
        return r;
    }

    private static Path requirePluginDir() {
        Path dir = Path.of(System.getProperty("flashvsr.gstPluginDir", "../../../element/target/gst-plugin"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(dir.resolve("libgstflashvsr.so")),
                "the element module's plugin directory " + dir + " was not built");
        return dir;
    }

    @Test
    void upscalesThroughTheGStreamerPluginAndChangesPropertiesWhilePlaying() throws Exception {
        Path dir = requirePluginDir();
        Result r = runApp(dir, "I420", "64", "48", "60", "scale=2", "qos=false", "--halfway", "qos=true",
                "tile-size=32");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("flashvsrfilter: from the GStreamer plugin " + dir.resolve("libgstflashvsr.so")),
                r::toString);
        assertTrue(r.stdout().contains("set qos=true, now true"), r::toString);
        // tile-size only applies at the next start: the element warns on the bus, the app prints it
        assertTrue(r.stderr().contains("warning from vsr: flashvsrfilter: 'tile-size' changes take effect after the"
                + " element returns to READY"), r::toString);
        assertTrue(r.stdout().contains("frames-out=60\n"), r::toString);
        assertTrue(r.stdout().contains("output-caps=video/x-raw, format=(string)I420, width=(int)128, height=(int)96"),
                r::toString);
        assertTrue(r.stdout().contains("frames-processed=60\n") && r.stdout().contains("frames-dropped=0\n")
                && r.stdout().contains("latency-frames=0\n"), r::toString);
    }

    @Test
    void reportsTheElementsErrorAndExitsWithOne() throws Exception {
        Result r = runApp(requirePluginDir(), "I420", "64", "48", "60", "model=/nonexistent");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains("error from vsr: flashvsrfilter cannot start: model '/nonexistent' is neither"
                + " a known model name nor an existing file"), r::toString);
        assertTrue(r.stdout().contains("frames-out=0\n") && r.stdout().contains("frames-processed=0\n"),
                r::toString);
    }

    @Test
    void registersTheElementFromTheClassPathWithoutThePlugin() throws Exception {
        Result r = runApp(null, "RGB", "32", "24", "10");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("flashvsrfilter: registered from the class path"), r::toString);
        assertTrue(r.stdout().contains("frames-out=10\n") && r.stdout().contains("width=(int)128, height=(int)96"),
                r::toString);
    }
}
