package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.freedesktop.gstreamer.Caps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Which streams each container copies, re-encodes or drops, and how --streams and --no-audio read. */
class StreamPlanTest {

    @BeforeAll
    static void gst() {
        GstSupport.init();
    }

    private static StreamPlan plan(String caps, String muxer, List<String> encoders) {
        Caps c = Caps.fromString(caps);
        return StreamPlan.decide(c, StreamKind.of(c), muxer, encoders);
    }

    @Test
    void copiesWhatTheContainerHolds() {
        assertEquals(new StreamPlan(StreamPlan.Action.COPY, "audio_%u", null, null, null),
                plan("audio/mpeg,mpegversion=4,stream-format=raw,rate=48000,channels=2", "mp4mux", List.of()));
        assertEquals(StreamPlan.Action.COPY, plan("audio/x-vorbis", "matroskamux", List.of()).action());
        assertEquals(StreamPlan.Action.COPY, plan("audio/x-opus", "mp4mux", List.of()).action());
        assertEquals("subtitle_%u", plan("text/x-raw,format=utf8", "mp4mux", List.of()).template());
    }

    @Test
    void marksUpTextIsCopiedAsPlainText() {
        StreamPlan p = plan("text/x-raw,format=pango-markup", "matroskamux", List.of());
        assertEquals(StreamPlan.Action.COPY, p.action());
        assertEquals("text/x-raw,format=utf8", p.relabel());
    }

    @Test
    void audioTheContainerCannotHoldIsReEncodedWithTheFirstEncoderInstalled() {
        StreamPlan p = plan("audio/x-vorbis", "mp4mux", List.of("nosuchenc", "avenc_aac", "opusenc"));
        assertEquals(StreamPlan.Action.ENCODE, p.action());
        assertEquals("avenc_aac", p.encoder());
        assertEquals("audio_%u", p.template());
        assertEquals("MP4 cannot hold audio/x-vorbis", p.reason());
    }

    @Test
    void audioIsDroppedWhenNoEncoderItCouldHoldIsInstalled() {
        StreamPlan p = plan("audio/x-vorbis", "mp4mux", List.of("nosuchenc", "vorbisenc"));
        assertEquals(StreamPlan.Action.DROP, p.action());
        assertTrue(p.reason().startsWith("MP4 cannot hold audio/x-vorbis and none of the audio encoders nosuchenc,"
                + " vorbisenc that it can hold is installed"), p.reason());
    }

    @Test
    void subtitlesTheContainerCannotHoldAreDropped() {
        StreamPlan p = plan("subpicture/x-dvd", "mp4mux", StreamPlan.AUDIO_ENCODERS);
        assertEquals(StreamPlan.Action.DROP, p.action());
        assertEquals("MP4 cannot hold subpicture/x-dvd and it cannot be converted", p.reason());
        assertEquals(StreamPlan.Action.COPY, plan("subpicture/x-dvd", "matroskamux", List.of()).action());
    }

    @Test
    void kindsComeFromTheMediaType() {
        assertEquals(StreamKind.AUDIO, StreamKind.of("audio/x-flac"));
        assertEquals(StreamKind.SUBTITLE, StreamKind.of("application/x-ass"));
        assertEquals(StreamKind.SUBTITLE, StreamKind.of("subpicture/x-pgs"));
        assertEquals(StreamKind.VIDEO, StreamKind.of("video/x-h264"));
        assertEquals(StreamKind.DATA, StreamKind.of("application/x-id3"));
    }

    @Test
    void streamSelections() {
        StreamSelection all = StreamSelection.parse(null, false);
        assertTrue(all.keeps(StreamKind.AUDIO, 3) && all.keeps(StreamKind.SUBTITLE, 0));
        assertFalse(all.keeps(StreamKind.DATA, 0));
        StreamSelection none = StreamSelection.parse("NONE", false);
        assertFalse(none.keeps(StreamKind.AUDIO, 0) || none.keeps(StreamKind.SUBTITLE, 0));
        StreamSelection some = StreamSelection.parse("a:1, subtitle", false);
        assertFalse(some.keeps(StreamKind.AUDIO, 0));
        assertTrue(some.keeps(StreamKind.AUDIO, 1) && some.keeps(StreamKind.SUBTITLE, 2));
        StreamSelection s0 = StreamSelection.parse("s:0,audio", true);
        assertFalse(s0.keeps(StreamKind.AUDIO, 0), "--no-audio wins");
        assertTrue(s0.keeps(StreamKind.SUBTITLE, 0) && !s0.keeps(StreamKind.SUBTITLE, 1));
        for (String bad : List.of("", "video", "a:", "a:x", "a:0,,s:1", "v:0")) {
            CliException e = assertThrows(CliException.class, () -> StreamSelection.parse(bad, false), bad);
            assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode(), bad);
        }
    }
}
