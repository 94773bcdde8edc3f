package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * One subtitle stream read whole into memory (see {@link SubtitleReadAhead}): its caps, its stream
 * tags and each subtitle's bytes at its running time, then played into the muxer from an appsrc.
 */
final class HeldSubtitles {

    /** A subtitle at its running time (the video's clock in the upscale pipeline), in nanoseconds. */
    private record Subtitle(long time, long duration, byte[] text) {
    }

    /** sizeof(GstSegment) is 120 bytes on 64-bit; room to spare. */
    private static final int SEGMENT_BYTES = 256;
    private static final int FORMAT_TIME = 3;
    private static final int TAG_SCOPE_STREAM = 0;
    /** GST_EVENT_SEGMENT: number 70, flags downstream | serialized | sticky. */
    private static final int SEGMENT_EVENT_TYPE = (70 << 8) | 2 | 4 | 8;

    private final Caps caps;
    private final Memory segment = new Memory(SEGMENT_BYTES);
    private final List<Subtitle> subtitles = new ArrayList<>();
    /** The stream's own tag events (language), references of ours until sent on; null before its first buffer. */
    private List<Pointer> tags;

    HeldSubtitles(Caps caps) {
        this.caps = caps;
    }

    /**
     * Keeps a copy of the buffer leaving {@code pad} at its running time; one outside the segment is
     * left out, as a muxer would clip it. Returns the bytes kept. Reads the segment and tags from the
     * pad's sticky events rather than probing events: a demuxer sends a subtitle stream thousands of
     * GAP events, each a costly call into Java.
     */
    synchronized int add(Pad pad, Buffer buffer) {
        if (tags == null) {
            tags = streamTags(pad);
        }
        Pointer segmentEvent = StreamNative.GST.gst_pad_get_sticky_event(pad, SEGMENT_EVENT_TYPE, 0);
        if (segmentEvent == null) {
            return 0;
        }
        try {
            Calls.GST.gst_event_copy_segment(segmentEvent, segment);
        } finally {
            StreamNative.GST.gst_mini_object_unref(segmentEvent);
        }
        long pts = buffer.getPresentationTimestamp();
        long time = pts >= 0 ? Calls.GST.gst_segment_to_running_time(segment, FORMAT_TIME, pts) : -1;
        if (time < 0) {
            return 0;
        }
        ByteBuffer mapped = buffer.map(false);
        byte[] text = new byte[mapped.remaining()];
        mapped.get(text);
        buffer.unmap();
        subtitles.add(new Subtitle(time, buffer.getDuration(), text));
        return text.length;
    }

    /** The stream-scoped tag events on the pad (the language), as references of ours. */
    private static List<Pointer> streamTags(Pad pad) {
        List<Pointer> found = new ArrayList<>();
        for (Pointer event : StickyTags.events(pad)) {
            PointerByReference list = new PointerByReference();
            StreamNative.GST.gst_event_parse_tag(event, list);
            if (StreamNative.GST.gst_tag_list_get_scope(list.getValue()) == TAG_SCOPE_STREAM) {
                found.add(event);
            } else {
                StreamNative.GST.gst_mini_object_unref(event);
            }
        }
        return found;
    }

    /**
     * An appsrc that holds the whole stream once {@link #play} has run, so that the muxer always
     * has the next subtitle or the stream's end at hand.
     *
     * @param relabel caps the muxer takes the same bytes under (see {@link StreamPlan#relabel()}), or null
     */
    AppSrc source(String relabel) {
        AppSrc src = (AppSrc) GstSupport.make("appsrc", null);
        src.setCaps(relabel != null ? Caps.fromString(relabel) : caps);
        src.setStreamType(AppSrc.StreamType.STREAM);
        src.setMaxBytes(0);
        src.setAsString("format", "time");
        src.set("block", false);
        src.set("is-live", false);
        src.set("do-timestamp", false);
        return src;
    }

    /** Queues the stream's tags, every subtitle and its end in {@code src}, which must have started. */
    synchronized void play(AppSrc src) {
        if (tags != null) {
            tags.forEach(tag -> Calls.GST.gst_element_send_event(src, tag));
            tags = List.of();
        }
        for (Subtitle s : subtitles) {
            Buffer buffer = new Buffer(s.text().length);
            if (s.text().length > 0) {
                buffer.map(true).put(s.text());
                buffer.unmap();
            }
            buffer.setPresentationTimestamp(s.time());
            buffer.setDuration(s.duration());
            src.pushBuffer(buffer);
        }
        src.endOfStream();
    }

    private interface Calls extends Library {
        Calls GST = GstNative.load(Calls.class);

        void gst_event_copy_segment(Pointer event, Pointer segment);

        long gst_segment_to_running_time(Pointer segment, int format, long position);

        /** Takes the reference to the event. */
        boolean gst_element_send_event(Element element, Pointer event);
    }
}
