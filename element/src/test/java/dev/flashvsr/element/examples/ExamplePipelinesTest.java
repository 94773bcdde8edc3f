package dev.flashvsr.element.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the scripts in examples/pipelines with gst-launch-1.0 and the plugin built by this module. */
class ExamplePipelinesTest {
    private static final Path SCRIPTS = Path.of("..", "examples", "pipelines").toAbsolutePath().normalize();

    @TempDir
    Path work;

    private String run(String script, String... args) throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("target", "gst-plugin", "libgstflashvsr.so")),
                "the plugin directory target/gst-plugin was not built (process-classes phase)");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPTS.resolve(script).toString());
        builder.command().addAll(java.util.List.of(args));
        builder.directory(work.toFile()).redirectErrorStream(true);
        builder.environment().put("GST_REGISTRY", work.resolve("registry.bin").toString());
        builder.environment().put("NUM_BUFFERS", "10");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), script + " did not finish");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), script + " failed:\n" + text);
        return text;
    }

    @Test
    void upscaleFile() throws Exception {
        run("upscale-file.sh", SCRIPTS.resolve("../sample-320x180.mp4").normalize().toString(), "out.mp4");
        assertTrue(Files.size(work.resolve("out.mp4")) > 10_000);
    }

    @Test
    void downstreamChoosesSize() throws Exception {
        String caps = run("downstream-chooses-size.sh");
        assertTrue(caps.contains("sink: caps = video/x-raw") && caps.contains("width=(int)320, height=(int)180"), caps);
        assertTrue(caps.contains("width=(int)1280, height=(int)720"), caps);
    }

    @Test
    void twoStepNv12() throws Exception {
        assertTrue(run("two-step-nv12.sh").contains("Got EOS"));
    }

    @Test
    void compareWithVideoscale() throws Exception {
        run("compare-with-videoscale.sh", "compare.mp4");
        assertTrue(Files.size(work.resolve("compare.mp4")) > 10_000);
    }
}
