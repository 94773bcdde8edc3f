package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flashvsr upscale} with a model that takes long to start, as a real-size FlashVSR does:
 * the progress line shows each step the element posts while the session opens, then the frames.
 * The test model waits in each step until the progress line has shown it, so no timing decides
 * the outcome.
 */
class UpscaleStartUpTest {
    private static final String MODEL = "cli-test-slow-start";
    private static final String LOADING = "loading the test weights";
    private static final String BUILDING = "building the test graph";
    /** How long the model waits for the line at most; then it goes on and the assertions fail. */
    private static final long WAIT_MS = 60_000;
    private static final int FRAMES = 6;

    /** The CLI's stderr while it runs, which the model watches. */
    private static final ByteArrayOutputStream STDERR = new ByteArrayOutputStream();

    @TempDir
    static Path shared;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void registerModelAndMakeClip() throws IOException {
        Models.register(MODEL, SlowStart::new);
        clip = CliTestSupport.makeClip(shared, "clip-64x48.mp4", 64, 48, FRAMES);
    }

    @Test
    void theProgressLineShowsTheStepsOfTheStartThenTheFrames() {
        Path out = dir.resolve("out.mp4");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(STDERR, true, StandardCharsets.UTF_8)) {
            code = FlashVsrCli.execute(o, e, "upscale", clip.toString(), out.toString(), "--scale", "2", "--model",
                    MODEL);
        }
        String err = stderr();
        assertEquals(0, code, err);
        assertTrue(err.contains("\rflashvsr: starting model '" + MODEL + "': " + LOADING + ", elapsed "), err);
        assertTrue(err.contains("\rflashvsr: starting model '" + MODEL + "': " + BUILDING + ", 40%, elapsed "), err);
        assertTrue(err.contains("flashvsr: note: flashvsrfilter: model '" + MODEL + "' ready for 64x48 input after "),
                "the end of the start stays on screen as a note: " + err);
        assertFalse(err.contains("note: flashvsrfilter: starting"), "the steps are not printed as notes: " + err);
        assertTrue(err.contains("upscaled " + FRAMES + " frames"), err);
        assertEquals(new CliTestSupport.VideoInfo(FRAMES, 128, 96), CliTestSupport.decode(out));
    }

    private static String stderr() {
        return STDERR.toString(StandardCharsets.UTF_8);
    }

    /** Bicubic, after two steps that each last until the CLI's stderr shows {@code shown}. */
    private static final class SlowStart implements Model {
        private final Model bicubic = Models.resolve("bicubic");

        SlowStart() throws EngineException {
        }

        @Override
        public String name() {
            return MODEL;
        }

        @Override
        public boolean isNeural() {
            return false;
        }

        @Override
        public Set<Integer> scales() {
            return bicubic.scales();
        }

        @Override
        public Backend resolveBackend(Backend requested) throws EngineException {
            return bicubic.resolveBackend(requested);
        }

        @Override
        public int latencyFrames() {
            return 0;
        }

        @Override
        public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
            return open(spec, options, OpenProgress.NONE);
        }

        @Override
        public StreamingSession open(StreamSpec spec, SessionOptions options, OpenProgress progress)
                throws EngineException {
            progress.report(LOADING, Double.NaN);
            awaitStderr(LOADING + ", elapsed");
            progress.report(BUILDING, 0.4);
            awaitStderr(BUILDING + ", 40%");
            return bicubic.open(spec, options);
        }

        private static void awaitStderr(String shown) {
            long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
            try {
                while (!stderr().contains(shown) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            bicubic.close();
        }
    }
}
