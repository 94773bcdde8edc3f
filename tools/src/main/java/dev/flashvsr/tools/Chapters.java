package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.GstObject;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * The input's chapters. A Matroska input's are its table of contents (GstToc), which
 * matroskademux sends down its pads as an event; it passes the decoder, flashvsrfilter and the
 * encoder, and matroskamux (a GstTocSetter) writes what it receives. An MP4 or QuickTime input's
 * are its Nero chapter list ({@link Mp4Chapters}), which qtdemux 1.22 does not read: they are read
 * from the file and given to matroskamux as its table of contents. mp4mux and qtmux 1.22 write no
 * chapters: {@link OutputMetadata} adds them to the finished file from {@link #value()}.
 */
final class Chapters {
    private static final int SCOPE_GLOBAL = 1;
    private static final int ENTRY_EDITION = -1;
    private static final int ENTRY_CHAPTER = 3;
    private static final int MERGE_REPLACE = 2;
    private static final long NONE = -1;

    private final Element mux;
    private final PipelineRun run;
    private final boolean muxerTakesThem;
    private volatile List<Mp4Chapters.Chapter> value = List.of();

    Chapters(Element mux, PipelineRun run) {
        this.mux = mux;
        this.run = run;
        this.muxerTakesThem = Toc.GST.g_type_check_instance_is_a(Natives.getRawPointer(mux),
                Toc.GST.gst_toc_setter_get_type());
    }

    /**
     * Reads the chapter list of an MP4 or QuickTime input (nothing for other containers) and gives
     * it to a muxer that takes a table of contents; warns when the list is damaged.
     */
    void readMp4(Path in) {
        try {
            value = Mp4Chapters.read(in);
        } catch (Mp4Movie.Unreadable e) {
            run.warn("the input's chapters are not kept: " + ErrorText.describe(e));
            return;
        } catch (IOException e) {
            return; // an input that cannot be read: filesrc reports it
        }
        if (muxerTakesThem && !value.isEmpty()) {
            List<Mp4Chapters.Chapter> chapters = value;
            Pointer toc = toc(chapters, i -> i + 1 < chapters.size() ? chapters.get(i + 1).start() : NONE);
            Toc.GST.gst_toc_setter_set_toc(mux, toc);
            StreamNative.GST.gst_mini_object_unref(toc);
        }
    }

    /** Watches a demuxer pad for the input's table of contents; the demuxer sends it on every pad. */
    void watch(Pad pad) {
        if (muxerTakesThem) {
            return;
        }
        onToc(pad, toc -> {
            if (value.isEmpty()) {
                value = collect(toc);
            }
        });
    }

    /** The chapters found, by start time; empty when the input has none. */
    List<Mp4Chapters.Chapter> value() {
        return value;
    }

    /** Calls {@code onToc} with each table of contents passing a pad (do not keep it), on the streaming thread. */
    static void onToc(Pad pad, Consumer<Pointer> onToc) {
        pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, (p, info) -> {
            Structure s = info.getEvent().getStructure();
            // GstEventTocGlobal or GstEventTocCurrent, after the table's scope.
            if (s != null && s.getName().startsWith("GstEventToc")) {
                PointerByReference toc = new PointerByReference();
                Toc.GST.gst_event_parse_toc(Natives.getRawPointer(info.getEvent()), toc, new IntByReference());
                try {
                    onToc.accept(toc.getValue());
                } finally {
                    StreamNative.GST.gst_mini_object_unref(toc.getValue());
                }
            }
            return PadProbeReturn.OK;
        });
    }

    /** The chapter entries of a table of contents at any depth (Matroska nests them in editions), by start time. */
    static List<Mp4Chapters.Chapter> collect(Pointer toc) {
        List<Mp4Chapters.Chapter> chapters = new ArrayList<>();
        collect(Toc.GST.gst_toc_get_entries(toc), chapters);
        chapters.sort(Comparator.comparingLong(Mp4Chapters.Chapter::start));
        return chapters;
    }

    private static void collect(Pointer list, List<Mp4Chapters.Chapter> into) {
        // A GList node: the entry, then the next node.
        for (Pointer node = list; node != null; node = node.getPointer(Native.POINTER_SIZE)) {
            Pointer entry = node.getPointer(0);
            LongByReference start = new LongByReference();
            if (Toc.GST.gst_toc_entry_get_entry_type(entry) == ENTRY_CHAPTER
                    && Toc.GST.gst_toc_entry_get_start_stop_times(entry, start, new LongByReference())) {
                Pointer tags = Toc.GST.gst_toc_entry_get_tags(entry);
                into.add(new Mp4Chapters.Chapter(tags == null ? null : TagEvents.string(tags, "title"),
                        start.getValue()));
            }
            collect(Toc.GST.gst_toc_entry_get_sub_entries(entry), into);
        }
    }

    /** A new table of contents of one edition holding the chapters, the {@code i}th ending at {@code stop(i)}. */
    static Pointer toc(List<Mp4Chapters.Chapter> chapters, IntToLongFunction stop) {
        Toc gst = Toc.GST;
        Pointer toc = gst.gst_toc_new(SCOPE_GLOBAL);
        Pointer edition = gst.gst_toc_entry_new(ENTRY_EDITION, "edition");
        for (int i = 0; i < chapters.size(); i++) {
            Mp4Chapters.Chapter c = chapters.get(i);
            Pointer entry = gst.gst_toc_entry_new(ENTRY_CHAPTER, "chapter-" + (i + 1));
            gst.gst_toc_entry_set_start_stop_times(entry, c.start(), stop.applyAsLong(i));
            Pointer tags = gst.gst_tag_list_new_empty();
            gst.gst_tag_list_add(tags, MERGE_REPLACE, "title", c.title(), null);
            gst.gst_toc_entry_set_tags(entry, tags);
            gst.gst_toc_entry_append_sub_entry(edition, entry);
        }
        gst.gst_toc_append_entry(toc, edition);
        return toc;
    }

    /** The GstToc calls gst1-java-core lacks. */
    interface Toc extends Library {
        Toc GST = GstNative.load(Toc.class);

        /** The table comes with a new reference. */
        void gst_event_parse_toc(Pointer event, PointerByReference toc, IntByReference updated);

        /** The table's top-level entries (a GList it keeps), null when it has none. */
        Pointer gst_toc_get_entries(Pointer toc);

        /** An entry's sub-entries (a GList it keeps), null when it has none. */
        Pointer gst_toc_entry_get_sub_entries(Pointer entry);

        int gst_toc_entry_get_entry_type(Pointer entry);

        boolean gst_toc_entry_get_start_stop_times(Pointer entry, LongByReference start, LongByReference stop);

        /** The entry's tags (it keeps them), or null. */
        Pointer gst_toc_entry_get_tags(Pointer entry);

        Pointer gst_toc_new(int scope);

        Pointer gst_toc_entry_new(int type, String uid);

        void gst_toc_entry_set_start_stop_times(Pointer entry, long start, long stop);

        /** Takes the list. */
        void gst_toc_entry_set_tags(Pointer entry, Pointer tags);

        /** Takes the sub-entry. */
        void gst_toc_entry_append_sub_entry(Pointer entry, Pointer subEntry);

        /** Takes the entry. */
        void gst_toc_append_entry(Pointer toc, Pointer entry);

        /** Keeps its own reference. */
        void gst_toc_setter_set_toc(GstObject setter, Pointer toc);

        Pointer gst_tag_list_new_empty();

        void gst_tag_list_add(Pointer tags, int mode, String tag, Object... valueThenNull);

        long gst_toc_setter_get_type();

        boolean g_type_check_instance_is_a(Pointer instance, long type);
    }
}
