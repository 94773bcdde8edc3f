package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code flashvsr upscale} keeps the input's other streams: generated files with audio (starting
 * after the video), subtitles and a title, upscaled for real, then read back stream by stream.
 */
@Timeout(120)
class OtherStreamsTest {

    /** 10 s at 15 fps: long enough that a muxer starved by the video's latency would hang. */
    private static final int FRAMES = 150;
    private static final long FRAME_NS = 1_000_000_000L / 15;
    /** The audio starts this much after the video. */
    private static final long AUDIO_DELAY_NS = 200_000_000L;
    /** One AAC packet at 48 kHz (1024 samples), about 21 ms. */
    private static final long PACKET_NS = 1024L * 1_000_000_000L / 48_000;
    private static final String TITLE = "Flashvsr stream test";

    @TempDir
    static Path shared;
    static Path mkv;
    static Path mp4;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeInputs() throws IOException {
        Path srt = Files.writeString(shared.resolve("subs.srt"), "1\n00:00:00,500 --> 00:00:01,500\nHello\n\n"
                + "2\n00:00:04,000 --> 00:00:05,000\nWorld\n\n3\n00:00:08,000 --> 00:00:09,000\nBye\n");
        mkv = MediaStreams.write(shared.resolve("in.mkv"), streams(srt, "aacparse") + " matroskamux name=mux", TITLE);
        mp4 = MediaStreams.write(shared.resolve("in.mp4"), streams(srt, "aacparse") + " mp4mux name=mux", TITLE);
    }

    /** Video, a French AAC track 200 ms late, an English one on time and German subtitles. */
    private static String streams(Path srt, String audioParser) {
        return String.format(Locale.ROOT, "videotestsrc pattern=ball num-buffers=%d"
                + " ! video/x-raw,format=I420,width=64,height=48,framerate=15/1"
                + " ! x264enc speed-preset=ultrafast key-int-max=15 ! h264parse ! mux."
                + " audiotestsrc num-buffers=%d samplesperbuffer=1024 timestamp-offset=%d ! audio/x-raw,rate=48000"
                + " ! taginject tags=\"language-code=fra\" ! avenc_aac ! %s ! mux."
                + " audiotestsrc num-buffers=%d samplesperbuffer=1024 wave=ticks ! audio/x-raw,rate=48000"
                + " ! taginject tags=\"language-code=eng\" ! avenc_aac ! %s ! mux."
                + " filesrc location=\"%s\" ! subparse ! taginject tags=\"language-code=deu\" ! mux.",
                FRAMES, (int) ((FRAMES * FRAME_NS - AUDIO_DELAY_NS) / PACKET_NS), AUDIO_DELAY_NS, audioParser,
                (int) (FRAMES * FRAME_NS / PACKET_NS), audioParser, srt);
    }

    @ParameterizedTest(name = "{0} to {1}")
    @CsvSource({"mkv, mkv", "mp4, mp4", "mkv, mp4", "mp4, mkv"})
    void copiesAudioAndSubtitlesInSyncWithTheirLanguagesTitleAndCreationTime(String from, String to) {
        Path in = from.equals("mkv") ? mkv : mp4;
        Path out = dir.resolve("out." + to);
        CliTestSupport.Result r = upscale(in, out);
        assertEquals(0, r.code(), r::toString);
        assertEquals(FRAMES, CliTestSupport.decode(out).frames(), "frames in = frames out");

        MediaStreams.Media before = MediaStreams.read(in);
        MediaStreams.Media after = MediaStreams.read(out);
        assertEquals(List.of("video", "audio MPEG-4 AAC fr", "audio MPEG-4 AAC en", "subtitle Timed Text de"),
                after.streams().stream().map(s -> s.kind() == StreamKind.VIDEO ? "video" : s.identity()).toList(),
                () -> "streams of " + out + " from " + before);
        assertEquals(TITLE, after.title(), () -> "title of " + out);
        // matroskamux is given the creation time; MP4's is written into the finished file
        assertEquals(before.datetime(), after.datetime(), () -> "creation time of " + out);
        assertEquals(from.equals("mkv"), MediaStreams.CREATED.equals(after.datetime()), after::toString);
        for (StreamKind kind : List.of(StreamKind.AUDIO, StreamKind.SUBTITLE)) {
            for (int i = 0; i < before.of(kind).size(); i++) {
                MediaStreams.Stream a = before.of(kind).get(i);
                MediaStreams.Stream b = after.of(kind).get(i);
                assertEquals(a.buffers(), b.buffers(), () -> "packets of " + a + " / " + b);
                assertEquals(a.end() - a.start(), b.end() - b.start(), PACKET_NS, () -> "duration of " + a + " / " + b);
            }
        }
        assertSameOffsets(before, after, 2_000_000L);
    }

    @Test
    void reencodesAudioTheContainerCannotHold() {
        Path in = MediaStreams.write(dir.resolve("vorbis.mkv"), String.format(Locale.ROOT,
                "videotestsrc num-buffers=30 ! video/x-raw,width=64,height=48,framerate=15/1 ! x264enc"
                        + " speed-preset=ultrafast ! h264parse ! mux. audiotestsrc num-buffers=40 samplesperbuffer=1024"
                        + " timestamp-offset=%d ! audio/x-raw,rate=48000 ! taginject tags=\"language-code=ita\""
                        + " ! vorbisenc ! mux. matroskamux name=mux", AUDIO_DELAY_NS), TITLE);
        Path out = dir.resolve("out.mp4");
        CliTestSupport.Result r = upscale(in, out);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("note: stream 1 (audio, Vorbis, language it) is re-encoded with"), r::toString);
        assertTrue(r.err().contains("MP4 cannot hold audio/x-vorbis"), r::toString);
        MediaStreams.Media after = MediaStreams.read(out);
        MediaStreams.Stream audio = after.of(StreamKind.AUDIO).get(0);
        assertEquals("audio MPEG-4 AAC it", audio.identity(), after::toString);
        MediaStreams.Stream original = MediaStreams.read(in).of(StreamKind.AUDIO).get(0);
        // The encoder pads its last frame and may add one of priming: up to two packets longer.
        assertEquals(original.end() - original.start(), audio.end() - audio.start(), 2 * PACKET_NS, after::toString);
        assertSameOffsets(MediaStreams.read(in), after, PACKET_NS);
    }

    @Test
    void dropsAStreamTheContainerCannotHoldWithAWarningAndWritesTheRest() {
        Path in = MediaStreams.write(dir.resolve("vobsub.mkv"), "videotestsrc num-buffers=30"
                + " ! video/x-raw,width=64,height=48,framerate=15/1 ! x264enc speed-preset=ultrafast ! h264parse ! mux."
                + " audiotestsrc num-buffers=40 samplesperbuffer=1024 ! audio/x-raw,rate=48000 ! avenc_aac ! mux."
                + " fakesrc num-buffers=4 sizetype=fixed sizemax=64 filltype=zero datarate=64 format=time ! subpicture/x-dvd"
                + " ! taginject tags=\"language-code=swe\" ! mux. matroskamux name=mux", TITLE);
        Path out = dir.resolve("out.mp4");
        CliTestSupport.Result r = upscale(in, out);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("warning: stream 2 (subtitle, DVD subpicture, language sv) is dropped: MP4 cannot"
                + " hold subpicture/x-dvd and it cannot be converted"), r::toString);
        MediaStreams.Media after = MediaStreams.read(out);
        assertEquals(List.of(StreamKind.VIDEO, StreamKind.AUDIO), after.streams().stream().map(
                MediaStreams.Stream::kind).toList(), after::toString);
        assertEquals(30, CliTestSupport.decode(out).frames());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "--no-audio; subtitle Timed Text de",
            "--streams=none; ''",
            "--streams=a:1,subtitle; audio MPEG-4 AAC en|subtitle Timed Text de",
            "--streams=audio; audio MPEG-4 AAC fr|audio MPEG-4 AAC en",
            "--streams=a:0 --no-audio; ''"})
    void optionsChooseTheStreamsKept(String options, String kept) {
        Path out = dir.resolve("out.mkv");
        String[] args = (options.replace(' ', '\n') + "\n--quiet\n--scale=2\n--model=bicubic\n--backend=cpu\n"
                + mkv + "\n" + out).split("\n");
        String[] all = new String[args.length + 1];
        all[0] = "upscale";
        System.arraycopy(args, 0, all, 1, args.length);
        CliTestSupport.Result r = CliTestSupport.run(all);
        assertEquals(0, r.code(), r::toString);
        assertTrue(!r.err().contains("warning"), r::toString);
        List<String> others = MediaStreams.read(out).streams().stream().filter(s -> s.kind() != StreamKind.VIDEO)
                .map(MediaStreams.Stream::identity).toList();
        assertEquals(kept.isEmpty() ? List.of() : List.of(kept.split("\\|")), others);
    }

    @Test
    void aBadStreamsListIsAUsageErrorNamingTheSyntax() {
        CliTestSupport.Result r = CliTestSupport.run("upscale", mkv.toString(), dir.resolve("o.mkv").toString(),
                "--streams", "audio,x:1");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--streams: 'x:1' in 'audio,x:1' is not a stream"), r::toString);
        assertTrue(r.err().contains("a:N"), r::toString);
    }

    private static CliTestSupport.Result upscale(Path in, Path out) {
        return CliTestSupport.run("upscale", in.toString(), out.toString(), "--quiet", "--scale=2", "--model=bicubic",
                "--backend=cpu");
    }

    /** Each audio and subtitle stream starts as far from the video in {@code after} as in {@code before}. */
    private static void assertSameOffsets(MediaStreams.Media before, MediaStreams.Media after, long tolerance) {
        long videoBefore = before.of(StreamKind.VIDEO).get(0).start();
        long videoAfter = after.of(StreamKind.VIDEO).get(0).start();
        for (StreamKind kind : List.of(StreamKind.AUDIO, StreamKind.SUBTITLE)) {
            for (int i = 0; i < after.of(kind).size(); i++) {
                long offsetBefore = before.of(kind).get(i).start() - videoBefore;
                long offsetAfter = after.of(kind).get(i).start() - videoAfter;
                int n = i;
                assertEquals(offsetBefore, offsetAfter, tolerance, () -> kind.word() + " " + n + " starts "
                        + offsetAfter / 1e6 + " ms after the video, in the input " + offsetBefore / 1e6 + " ms:\n"
                        + before + "\n" + after);
            }
        }
    }
}
