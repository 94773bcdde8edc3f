package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java application that uses GStreamer and finds flashvsrfilter through GST_PLUGIN_PATH: the
 * loader joins the application's JVM (JNI_GetCreatedJavaVMs) instead of creating a second one.
 */
class JavaHostLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String PIPELINE = "videotestsrc num-buffers=300 ! video/x-raw,format=RGB,width=32,height=24"
            + " ! flashvsrfilter scale=2 ! fakesink";

    @TempDir
    Path tmp;

    private Result runHost(String... options) {
        Path dir = requirePluginDir();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(classPath(dir));
        cmd.add(JavaHostMain.class.getName());
        cmd.addAll(List.of(options));
        cmd.addAll(List.of(PIPELINE.split(" ")));
        Result r = run(gstEnv(dir, tmp.resolve("registry.bin")), TIMEOUT, cmd);
        assertSucceeded(r);
        assertTrue(r.stdout().contains("result=EOS"), r::describe);
        assertTrue(r.all().contains("joined the JVM already running in java"), r::describe);
        assertEquals(0, r.jvmBoots("java"), r::describe);
        return r;
    }

    @Test
    void loaderJoinsTheApplicationsJvm() {
        runHost("--prepare");
    }

    @Test
    void loaderJoinsAJvmThatLeftGStreamersSegtrapEnabled() {
        Result r = runHost("--gc-stress");
        assertTrue(r.all().contains("GStreamer's segfault trap is enabled in a process that runs a JVM"),
                r::describe);
    }

    private static String classPath(Path pluginDir) {
        try (Stream<Path> files = Files.list(pluginDir)) {
            Path testClasses = Path.of(JavaHostMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Stream.concat(files.filter(f -> f.toString().endsWith(".jar")).sorted(), Stream.of(testClasses))
                    .map(Path::toString).collect(Collectors.joining(":"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
