package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in folder mode, as a real SIGINT: the file being upscaled is discarded, the summary says what was done. */
class FolderCtrlCTest {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration STOPPING = UpscaleCommand.INTERRUPT_GRACE.plusMinutes(1);
    /** The second file's progress line once it has upscaled a few frames. */
    private static final Pattern SECOND_FILE_RUNNING = Pattern.compile("\\[2/2] b\\.mp4: [1-9]\\d* frames, ");

    @TempDir
    Path dir;

    @Test
    void discardsTheCurrentFileAndPrintsTheSummary() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        FolderUpscaleTest.encode(in.resolve("a.mp4"), 16, "mp4mux");
        // Long enough at 4x that the signal comes while it runs.
        CliTestSupport.encodeClip(in.resolve("b.mp4"), 320, 180, 300);
        Path out = dir.resolve("out");
        try (CliProcess flashvsr = new CliProcess(dir, StdoutOnStderrMain.class, "upscale", in.toString(),
                out.toString(), "--model", "bicubic")) {
            flashvsr.awaitStderr("the second file running", text -> SECOND_FILE_RUNNING.matcher(text).find(), STARTUP);
            flashvsr.interrupt();
            assertEquals(FlashVsrCli.EXIT_INTERRUPTED, flashvsr.await(STOPPING), flashvsr::toString);
            String stderr = flashvsr.stderr();
            assertTrue(Pattern.compile("(?m)^a\\.mp4\\s+16\\s+\\d+\\.\\d\\s+done$").matcher(stderr).find(),
                    flashvsr::toString);
            assertTrue(Pattern.compile("(?m)^b\\.mp4\\s+\\d+\\s+\\S+\\s+interrupted: not written$").matcher(stderr)
                    .find(), flashvsr::toString);
            assertTrue(stderr.contains("total: 1 done, 0 failed, 0 skipped, 1 interrupted of 2 files; "),
                    flashvsr::toString);
            assertTrue(stderr.contains("flashvsr: interrupted: " + out.toRealPath().resolve("b.mp4")
                    + " was not written"), flashvsr::toString);
        }
        assertEquals(List.of("a.mp4"), FolderUpscaleTest.files(out), "b.mp4 and its staging folder are gone");
        assertEquals(new CliTestSupport.VideoInfo(16, 256, 192), CliTestSupport.decode(out.resolve("a.mp4")));
    }
}
