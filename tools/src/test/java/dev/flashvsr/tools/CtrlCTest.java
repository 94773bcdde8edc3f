package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ctrl-C, as a real SIGINT to a CLI process: what is written, what is said, what is left. */
class CtrlCTest {
    private static final int FRAMES = 300;
    private static final int FRAMES_BEFORE_CTRL_C = 5;
    /** Generous: the process starts a JVM and GStreamer on a loaded machine. */
    private static final Duration STARTUP = Duration.ofMinutes(3);
    /** Longer than the CLI's own grace for finishing the file after Ctrl-C. */
    private static final Duration STOPPING = UpscaleCommand.INTERRUPT_GRACE.plusMinutes(1);
    private static final Pattern PROGRESS = Pattern.compile("(\\d+) frames, ");
    private static final Pattern INTERRUPTED = Pattern.compile("interrupted after (\\d+) frames");

    @TempDir
    static Path shared;
    static Path clip;

    @TempDir
    Path dir;

    @BeforeAll
    static void encodeClip() {
        clip = CliTestSupport.encodeClip(shared.resolve("clip.mp4"), 320, 180, FRAMES);
    }

    /**
     * The count said after Ctrl-C is the number of frames the file holds. The clip has B-frames:
     * cut at the demuxer, the decoder's last frames came out with a gap that the MP4's edit list
     * then hid, one frame fewer in the file than reported.
     */
    @ParameterizedTest
    @ValueSource(strings = {"out.mp4", "out.mkv"})
    void reportsExactlyTheFramesWrittenAndKeepsThem(String name) throws Exception {
        Path out = Files.writeString(dir.resolve(name), "replaced by the frames so far");
        try (CliProcess flashvsr = new CliProcess(dir, FlashVsrCli.class, "upscale", clip.toString(),
                out.toString(), "--model", "bicubic")) {
            flashvsr.awaitStderr(FRAMES_BEFORE_CTRL_C + " frames upscaled",
                    text -> lastProgress(text) >= FRAMES_BEFORE_CTRL_C, STARTUP);
            flashvsr.interrupt();
            assertEquals(FlashVsrCli.EXIT_INTERRUPTED, flashvsr.await(STOPPING), flashvsr::toString);

            Matcher m = INTERRUPTED.matcher(flashvsr.stderr());
            assertTrue(m.find(), flashvsr::toString);
            int reported = Integer.parseInt(m.group(1));
            assertTrue(reported >= FRAMES_BEFORE_CTRL_C && reported < FRAMES, flashvsr::toString);
            assertEquals(new CliTestSupport.VideoInfo(reported, 1280, 720), CliTestSupport.decode(out),
                    flashvsr::toString);
        }
        assertEquals(List.of(name), StagedOutputTest.entries(dir));
    }

    @Test
    void stopsAnInterruptibleWriteAndLeavesNothing() throws Exception {
        Path out = dir.resolve("package");
        try (CliProcess command = new CliProcess(dir, InterruptibleWriteMain.class, out.toString())) {
            command.awaitStderr("writing", text -> text.contains(InterruptibleWriteMain.WRITING), STARTUP);
            command.interrupt();
            assertEquals(FlashVsrCli.EXIT_INTERRUPTED, command.await(STOPPING), command::toString);
            assertTrue(command.stderr().contains("flashvsr: interrupted: " + out + " was not written\n"),
                    command::toString);
        }
        assertFalse(Files.exists(out));
        assertEquals(List.of(), StagedOutputTest.entries(dir), "no staging folder is left");
    }

    private static int lastProgress(String stderr) {
        Matcher m = PROGRESS.matcher(stderr);
        int frames = -1;
        while (m.find()) {
            frames = Integer.parseInt(m.group(1));
        }
        return frames;
    }
}
