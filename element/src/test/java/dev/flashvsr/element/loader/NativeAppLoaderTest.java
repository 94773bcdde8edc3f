package dev.flashvsr.element.loader;

import static dev.flashvsr.element.loader.LoaderProcesses.assertNoCrash;
import static dev.flashvsr.element.loader.LoaderProcesses.assertSucceeded;
import static dev.flashvsr.element.loader.LoaderProcesses.gstEnv;
import static dev.flashvsr.element.loader.LoaderProcesses.requirePluginDir;
import static dev.flashvsr.element.loader.LoaderProcesses.run;
import static dev.flashvsr.element.loader.LoaderProcesses.sourceDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flashvsr.element.loader.LoaderProcesses.Result;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applications that link only against GStreamer create flashvsrfilter by name; the loader plugin
 * boots the JVM inside them. The applications are the embedding examples in examples/embedding/c
 * and examples/embedding/python, built and run here.
 */
class NativeAppLoaderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path shared;

    private static Path program;

    @BeforeAll
    static void compileTheCProgram() {
        requirePluginDir();
        Path source = sourceDir("flashvsr.embeddingCDir", "../examples/embedding/c").resolve("flashvsr_pipeline.c");
        program = shared.resolve("flashvsr_pipeline");
        Result r = run(Map.copyOf(System.getenv()), TIMEOUT, "sh", "-c",
                "gcc -std=gnu11 -Wall -Wextra -O1 -o '" + program + "' '" + source + "'"
                        + " $(pkg-config --cflags --libs gstreamer-1.0)");
        if (r.exitCode() != 0 || !Files.isExecutable(program)) {
            fail("cannot compile the C example (needs gcc, pkg-config and libgstreamer1.0-dev): "
                    + r.describe());
        }
    }

    @Test
    void cProgramIsLinkedOnlyAgainstGStreamerLibraries() {
        Result r = run(Map.copyOf(System.getenv()), TIMEOUT, "readelf", "-d", program.toString());
        assertEquals(0, r.exitCode(), r::describe);
        List<String> needed = r.stdout().lines().filter(l -> l.contains("(NEEDED)")).toList();
        assertFalse(needed.isEmpty(), r::describe);
        for (String line : needed) {
            assertTrue(line.matches(".*\\[(libgstreamer-1\\.0|libgobject-2\\.0|libglib-2\\.0|libc)\\.so[.0-9]*\\]"),
                    () -> "unexpected library: " + line);
        }
    }

    @Test
    void cProgramRunsThePipeline() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, shared.resolve("registry.bin"));
        for (String format : List.of("NV12", "BGRx")) {
            assertRanThePipeline(run(env, TIMEOUT, program.toString(), format, "64", "48", "25", "scale=2"), format);
        }
    }

    @Test
    void cProgramReportsTheElementsErrorFromTheBus() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, shared.resolve("registry.bin"));
        assertReportedABadModel(run(env, TIMEOUT, program.toString(), "I420", "64", "48", "25", "model=/nonexistent"));
    }

    @Test
    void pythonScriptRunsThePipeline() {
        Path dir = requirePluginDir();
        String python = findPythonWithGi();
        Map<String, String> env = gstEnv(dir, shared.resolve("registry.bin"));
        for (String format : List.of("I420", "RGBA")) {
            assertRanThePipeline(run(env, TIMEOUT, python, pythonScript().toString(), format, "64", "48", "25",
                    "scale=2"), format);
        }
    }

    @Test
    void pythonScriptReportsTheElementsErrorFromTheBus() {
        Path dir = requirePluginDir();
        Map<String, String> env = gstEnv(dir, shared.resolve("registry.bin"));
        assertReportedABadModel(run(env, TIMEOUT, findPythonWithGi(), pythonScript().toString(), "I420", "64", "48",
                "25", "model=/nonexistent"));
    }

    private static Path pythonScript() {
        return sourceDir("flashvsr.embeddingPythonDir", "../examples/embedding/python").resolve("flashvsr_pipeline.py");
    }

    /** 25 frames of FORMAT 64x48 went through flashvsrfilter scale=2. */
    private static void assertRanThePipeline(Result r, String format) {
        assertSucceeded(r);
        assertTrue(r.stdout().contains("frames-out=25"), r::describe);
        assertTrue(r.stdout().contains("output-caps=video/x-raw, format=(string)" + format
                + ", width=(int)128, height=(int)96"), r::describe);
        assertTrue(r.stdout().contains("frames-processed=25"), r::describe);
    }

    /** Exit code 1 without a crash, flashvsrfilter's start error printed from the bus, no frames. */
    private static void assertReportedABadModel(Result r) {
        assertNoCrash(r);
        assertEquals(1, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("error from vsr: flashvsrfilter cannot start: model '/nonexistent'"),
                r::describe);
        assertTrue(r.stdout().contains("frames-out=0") && r.stdout().contains("frames-processed=0"), r::describe);
    }

    /** Debian's python3-gi lives in the system interpreter; a pyenv/venv python3 may lack it. */
    private static String findPythonWithGi() {
        StringBuilder tried = new StringBuilder();
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Result r = run(Map.copyOf(System.getenv()), TIMEOUT, candidate, "-c",
                        "import gi; gi.require_version('Gst', '1.0'); from gi.repository import Gst");
                if (r.exitCode() == 0) {
                    return candidate;
                }
                tried.append("\n").append(r.describe());
            } catch (UncheckedIOException e) {
                tried.append("\n").append(candidate).append(": ").append(e.getCause());
            }
        }
        fail("no python3 with PyGObject and the Gst 1.0 typelib (apt-get install python3-gi"
                + " gir1.2-gstreamer-1.0); tried:" + tried);
        return null;
    }
}
