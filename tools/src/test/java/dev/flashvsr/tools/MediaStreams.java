package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstObject;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GlibAPI;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * Writes test files with several streams and a container title, and reads back what a file holds:
 * each stream as the demuxer gives it (kind, codec, language, running times of its first and last
 * buffer) and the global title.
 */
final class MediaStreams {

    /** One stream of a file; times are running times in nanoseconds, as playback schedules them. */
    record Stream(StreamKind kind, String codec, String language, long start, long end, int buffers) {
        /** Kind, codec and language: what must match between input and output. */
        String identity() {
            return kind.word() + " " + codec + " " + language;
        }
    }

    /** What a file holds, in the demuxer's order, with its global title and creation time (ISO 8601). */
    record Media(List<Stream> streams, String title, String datetime) {
        List<Stream> of(StreamKind kind) {
            return streams.stream().filter(s -> s.kind() == kind).toList();
        }

        List<String> identities() {
            return streams.stream().map(Stream::identity).toList();
        }
    }

    private MediaStreams() {
    }

    /** The creation time of written Matroska files, far from the time a test runs. */
    static final String CREATED = "2001-02-03T04:05:06Z";

    /**
     * Runs {@code pipeline}, whose muxer is named mux, into {@code file}, with {@code title} as its
     * global title and, where the muxer takes one (matroskamux), {@link #CREATED} as its creation time.
     */
    static Path write(Path file, String pipeline, String title) {
        GstSupport.init();
        Pipeline p = (Pipeline) Gst.parseLaunch(pipeline + " ! filesink location=\"" + file + "\"");
        Pointer tags = Calls.GST.gst_tag_list_new_from_string("taglist, title=(string)\"" + title + "\"");
        Calls.GST.gst_tag_setter_merge_tags(p.getElementByName("mux"), tags, TAG_MERGE_REPLACE);
        Calls.GST.gst_mini_object_unref(tags);
        Element mux = p.getElementByName("mux");
        if (GstSupport.hasProperty(mux, "creation-time")) {
            Pointer created = Calls.GST.g_date_time_new_utc(2001, 2, 3, 4, 5, 6.0);
            Calls.GST.g_object_set(mux, "creation-time", created, null);
            Calls.GST.g_date_time_unref(created);
        }
        CliTestSupport.runToEnd(new PipelineRun(p), file);
        return file;
    }

    /** Reads {@code file} with {@link #play}, noting what passes each stream's pad. */
    static Media read(Path file) {
        List<Collector> collectors = new ArrayList<>();
        String[] global = new String[2];
        play(file, pad -> {
            Caps caps = pad.getCurrentCaps();
            Collector c = new Collector(StreamKind.of(caps), SourceStream.of(0, StreamKind.of(caps), 0, pad, caps)
                    .codec(), global);
            synchronized (collectors) {
                collectors.add(c);
            }
            pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, c::onEvent);
            pad.addProbe(PadProbeType.BUFFER, c::onBuffer);
        });
        synchronized (collectors) {
            return new Media(collectors.stream().map(Collector::stream).toList(), global[0], global[1]);
        }
    }

    /** Plays filesrc ! parsebin to its end, each stream into a fakesink; {@code watch} gets each stream's pad first. */
    static void play(Path file, Consumer<Pad> watch) {
        GstSupport.init();
        Pipeline pipeline = new Pipeline("test-streams");
        Element demux = SubtitleReadAhead.demuxer(pipeline, file);
        demux.connect((Element.PAD_ADDED) (element, pad) -> {
            watch.accept(pad);
            OtherStreams.discard(pipeline, pad);
        });
        CliTestSupport.runToEnd(new PipelineRun(pipeline), file);
    }

    /** GST_TAG_MERGE_REPLACE; GST_TAG_SCOPE_GLOBAL; GST_FORMAT_TIME. */
    private static final int TAG_MERGE_REPLACE = 2;
    private static final int TAG_SCOPE_GLOBAL = 1;
    private static final int FORMAT_TIME = 3;
    /** sizeof(GstSegment) is 120 bytes on 64-bit; room to spare. */
    private static final int SEGMENT_BYTES = 256;

    /** Notes one stream's tags, segment and buffers; runs on its streaming thread. */
    private static final class Collector {
        private final StreamKind kind;
        private final String codec;
        /** The global title and datetime, shared by the collectors of one file. */
        private final String[] global;
        private final Memory segment = new Memory(SEGMENT_BYTES);
        private volatile boolean hasSegment;
        private volatile String language;
        private volatile long start = -1;
        private volatile long end = -1;
        private volatile int buffers;

        Collector(StreamKind kind, String codec, String[] global) {
            this.kind = kind;
            this.codec = codec;
            this.global = global;
        }

        PadProbeReturn onEvent(Pad pad, org.freedesktop.gstreamer.PadProbeInfo info) {
            Structure s = info.getEvent().getStructure();
            Pointer event = Natives.getRawPointer(info.getEvent());
            if (s != null && s.hasName("GstEventSegment")) {
                Calls.GST.gst_event_copy_segment(event, segment);
                hasSegment = true;
            } else if (s != null && s.getName().startsWith("GstTagList")) {
                PointerByReference list = new PointerByReference();
                Calls.GST.gst_event_parse_tag(event, list);
                String lang = string(list.getValue(), "language-code");
                if (lang != null) {
                    language = lang;
                }
                if (Calls.GST.gst_tag_list_get_scope(list.getValue()) == TAG_SCOPE_GLOBAL) {
                    String t = string(list.getValue(), "title");
                    global[0] = t != null ? t : global[0];
                    PointerByReference when = new PointerByReference();
                    if (Calls.GST.gst_tag_list_get_date_time(list.getValue(), "datetime", when)) {
                        Pointer iso = Calls.GST.gst_date_time_to_iso8601_string(when.getValue());
                        global[1] = iso.getString(0);
                        GlibAPI.GLIB_API.g_free(iso);
                        Calls.GST.gst_date_time_unref(when.getValue());
                    }
                }
            }
            return PadProbeReturn.OK;
        }

        PadProbeReturn onBuffer(Pad pad, org.freedesktop.gstreamer.PadProbeInfo info) {
            long pts = info.getBuffer().getPresentationTimestamp();
            long duration = info.getBuffer().getDuration();
            if (hasSegment && pts >= 0) {
                long running = Calls.GST.gst_segment_to_running_time(segment, FORMAT_TIME, pts);
                if (start < 0) {
                    start = running;
                }
                end = Math.max(end, running + Math.max(duration, 0));
            }
            buffers++;
            return PadProbeReturn.OK;
        }

        Stream stream() {
            return new Stream(kind, codec, language, start, end, buffers);
        }

        private static String string(Pointer list, String tag) {
            PointerByReference value = new PointerByReference();
            if (list == null || !Calls.GST.gst_tag_list_get_string(list, tag, value)) {
                return null;
            }
            String text = value.getValue().getString(0);
            GlibAPI.GLIB_API.g_free(value.getValue());
            return text;
        }
    }

    interface Calls extends Library {
        Calls GST = GstNative.load(Calls.class);

        Pointer gst_tag_list_new_from_string(String text);

        /** The muxer (a GstTagSetter) copies the list. */
        void gst_tag_setter_merge_tags(GstObject setter, Pointer list, int mode);

        void gst_mini_object_unref(Pointer object);

        void gst_event_copy_segment(Pointer event, Pointer segment);

        void gst_event_parse_tag(Pointer event, PointerByReference list);

        int gst_tag_list_get_scope(Pointer list);

        boolean gst_tag_list_get_string(Pointer list, String tag, PointerByReference value);

        long gst_segment_to_running_time(Pointer segment, int format, long position);

        boolean gst_tag_list_get_date_time(Pointer list, String tag, PointerByReference value);

        Pointer gst_date_time_to_iso8601_string(Pointer dateTime);

        void gst_date_time_unref(Pointer dateTime);

        Pointer g_date_time_new_utc(int year, int month, int day, int hour, int minute, double seconds);

        void g_date_time_unref(Pointer dateTime);

        void g_object_set(GstObject object, String property, Object... valueThenNull);
    }
}
