package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MP4 and QuickTime outputs with subtitles far apart finish (issue 20): with the video queue shrunk
 * to a few KiB, the demuxer cannot reach the next subtitle while the muxer waits for it, unless the
 * subtitles were read ahead. Reverting the read-ahead makes these tests time out.
 */
@Timeout(120)
class SubtitleReadAheadTest {

    /** 10 s at 15 fps, far more video between the two subtitles than {@link #SMALL_QUEUE} holds. */
    private static final int FRAMES = 150;
    private static final long SMALL_QUEUE = 4096;
    /** A run of this input takes a few seconds; a stalled one never ends. */
    private static final long FINISH_WITHIN_S = 60;
    private static final String VIDEO = "videotestsrc pattern=ball num-buffers=" + FRAMES
            + " ! video/x-raw,format=I420,width=64,height=48,framerate=15/1"
            + " ! x264enc speed-preset=ultrafast key-int-max=15 ! h264parse ! mux.";

    private static final String FIRST = "First";
    private static final String SECOND = "Second, 6.5 s later";

    @TempDir
    static Path shared;
    static Path withSubtitles;

    @TempDir
    Path dir;

    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "upscale-under-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void writeInput() throws IOException {
        Path srt = Files.writeString(shared.resolve("gap.srt"), "1\n00:00:00,500 --> 00:00:01,500\n" + FIRST
                + "\n\n2\n00:00:08,000 --> 00:00:09,250\n" + SECOND + "\n");
        withSubtitles = MediaStreams.write(shared.resolve("gap.mkv"), VIDEO + " filesrc location=\"" + srt
                + "\" ! subparse ! taginject tags=\"language-code=deu\" ! mux. matroskamux name=mux", "gap");
    }

    @AfterEach
    void restoreQueue() {
        UpscalePipeline.videoQueueBytes = OtherStreams.QUEUE_BYTES;
        runner.shutdownNow();
    }

    @ParameterizedTest(name = "to {0}")
    @ValueSource(strings = {"mp4", "mov"})
    void subtitlesFarApartDoNotStallTheMuxerAndKeepTheirTimes(String container) {
        UpscalePipeline.videoQueueBytes = SMALL_QUEUE;
        Path out = dir.resolve("out." + container);
        CliTestSupport.Result r = upscaleWithin(withSubtitles, out);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("note: subtitles read ahead"), r::toString);
        assertEquals(FRAMES, CliTestSupport.decode(out).frames(), "frames in = frames out");

        MediaStreams.Media before = MediaStreams.read(withSubtitles);
        MediaStreams.Media after = MediaStreams.read(out);
        assertEquals(List.of("subtitle Timed Text de"), after.of(StreamKind.SUBTITLE).stream()
                .map(MediaStreams.Stream::identity).toList(), after::toString);
        MediaStreams.Stream in = before.of(StreamKind.SUBTITLE).get(0);
        MediaStreams.Stream kept = after.of(StreamKind.SUBTITLE).get(0);
        long videoIn = before.of(StreamKind.VIDEO).get(0).start();
        long videoOut = after.of(StreamKind.VIDEO).get(0).start();
        assertEquals(in.buffers(), kept.buffers(), () -> "subtitles of " + before + " / " + after);
        // The first subtitle's start and the last one's end, as far from the video as in the input.
        assertEquals(in.start() - videoIn, kept.start() - videoOut, () -> "start of " + before + " / " + after);
        assertEquals(in.end() - videoIn, kept.end() - videoOut, () -> "end of " + before + " / " + after);
    }

    @Test
    void anInputWithoutSubtitlesIsNotReadAhead() {
        Path in = MediaStreams.write(dir.resolve("plain.mkv"), VIDEO + " audiotestsrc num-buffers=100"
                + " samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! avenc_aac ! mux. matroskamux name=mux", "plain");
        Path out = dir.resolve("out.mp4");
        CliTestSupport.Result r = upscaleWithin(in, out);
        assertEquals(0, r.code(), r::toString);
        assertFalse(r.err().contains("read ahead"), r::toString);
        assertEquals(List.of(StreamKind.VIDEO, StreamKind.AUDIO), MediaStreams.read(out).streams().stream()
                .map(MediaStreams.Stream::kind).toList());
    }

    @Test
    void readsTheKeptSubtitlesOnceForMp4AndQuickTimeOnly() {
        assertTrue(readAhead("mp4mux", StreamSelection.ALL, SubtitleReadAhead.LIMIT_BYTES).applies());
        assertTrue(readAhead("qtmux", StreamSelection.ALL, SubtitleReadAhead.LIMIT_BYTES).applies());
        assertFalse(readAhead("matroskamux", StreamSelection.ALL, SubtitleReadAhead.LIMIT_BYTES).applies());

        SubtitleReadAhead all = readAhead("mp4mux", StreamSelection.ALL, SubtitleReadAhead.LIMIT_BYTES);
        assertNull(all.stream(0), "nothing before the read");
        String note = all.readOnce();
        String held = "(1 stream, " + (FIRST.length() + SECOND.length()) + " bytes)";
        assertTrue(note.matches("subtitles read ahead in \\d+\\.\\d\\d s \\Q" + held + "\\E: mp4mux waits .*"), note);
        assertNotNull(all.stream(0));
        assertNull(all.stream(1), "the input has one subtitle stream");
        assertNull(all.readOnce(), "read once");

        SubtitleReadAhead audioOnly = readAhead("mp4mux", StreamSelection.parse("audio", false),
                SubtitleReadAhead.LIMIT_BYTES);
        assertTrue(audioOnly.readOnce().contains("(0 streams, 0 bytes)"));
        assertNull(audioOnly.stream(0), "a subtitle stream not kept is not held");
    }

    @Test
    void subtitlesBeyondTheLimitFailTheReadNamingWhatToDoInstead() {
        SubtitleReadAhead small = readAhead("qtmux", StreamSelection.ALL, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class, small::readOnce);
        assertEquals("reading the subtitles ahead of the video failed: the input's subtitle streams hold more than"
                + " 10 bytes, too much to read ahead of the video as MP4 and QuickTime need: write .mkv instead, or"
                + " leave the subtitles out with --streams audio", e.getMessage());
        assertSame(e, assertThrows(IllegalStateException.class, small::readOnce), "a failed read is not repeated");
    }

    private static SubtitleReadAhead readAhead(String muxer, StreamSelection selection, long limit) {
        GstSupport.init();
        return new SubtitleReadAhead(withSubtitles, muxer, selection, () -> false, limit);
    }

    /** Upscales in another thread and fails, stopping it, when it has not finished in time. */
    private CliTestSupport.Result upscaleWithin(Path in, Path out) {
        Future<CliTestSupport.Result> run = runner.submit(() -> CliTestSupport.run("upscale", in.toString(),
                out.toString(), "--quiet", "--scale=2", "--model=bicubic", "--backend=cpu"));
        try {
            return run.get(FINISH_WITHIN_S, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            return fail("upscale " + in.getFileName() + " " + out.getFileName() + " did not finish in "
                    + FINISH_WITHIN_S + " s: the muxer waits for a subtitle the demuxer cannot reach");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
