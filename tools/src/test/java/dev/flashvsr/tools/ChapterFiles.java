package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstObject;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * Writes Matroska files with chapters (matroskamux as a GstTocSetter) and reads back the chapters
 * of a file (the table of contents its demuxer sends down its pads) and its video's orientation tag.
 * Matroska nests chapters in an edition; they are read back at any depth.
 */
final class ChapterFiles {
    /** A chapter as written and read: its title, start and end in nanoseconds. */
    record Chapter(String title, long start, long stop) {
    }

    /** What a file says besides its streams: its chapters (in order) and its video's image-orientation. */
    record Metadata(List<Chapter> chapters, String orientation) {
    }

    private static final int SCOPE_GLOBAL = 1;
    private static final int ENTRY_EDITION = -1;
    private static final int ENTRY_CHAPTER = 3;

    private ChapterFiles() {
    }

    /** Runs {@code pipeline}, whose muxer (matroskamux) is named mux, into {@code file}, with these chapters. */
    static Path write(Path file, String pipeline, List<Chapter> chapters) {
        GstSupport.init();
        Pipeline p = (Pipeline) Gst.parseLaunch(pipeline + " ! filesink location=\"" + file + "\"");
        Toc gst = Toc.GST;
        Pointer toc = gst.gst_toc_new(SCOPE_GLOBAL);
        Pointer edition = gst.gst_toc_entry_new(ENTRY_EDITION, "edition");
        for (int i = 0; i < chapters.size(); i++) {
            Chapter c = chapters.get(i);
            Pointer entry = gst.gst_toc_entry_new(ENTRY_CHAPTER, "chapter-" + (i + 1));
            gst.gst_toc_entry_set_start_stop_times(entry, c.start(), c.stop());
            gst.gst_toc_entry_set_tags(entry, gst.gst_tag_list_new_from_string("taglist, title=(string)\""
                    + c.title() + "\""));
            gst.gst_toc_entry_append_sub_entry(edition, entry);
        }
        gst.gst_toc_append_entry(toc, edition);
        gst.gst_toc_setter_set_toc(p.getElementByName("mux"), toc);
        gst.gst_mini_object_unref(toc);
        CliTestSupport.runToEnd(new PipelineRun(p), file);
        return file;
    }

    /** The first table of contents and video orientation tag that the demuxer sends (see {@link MediaStreams#play}). */
    static Metadata read(Path file) {
        List<Chapter> chapters = new ArrayList<>();
        String[] orientation = new String[1];
        MediaStreams.play(file, pad -> {
            Chapters.onToc(pad, toc -> {
                synchronized (chapters) {
                    if (chapters.isEmpty()) {
                        collect(Chapters.Toc.GST.gst_toc_get_entries(toc), chapters);
                    }
                }
            });
            TagEvents.watch(pad, tags -> {
                String o = TagEvents.string(tags, "image-orientation");
                if (o != null) {
                    orientation[0] = o;
                }
            });
        });
        synchronized (chapters) {
            return new Metadata(List.copyOf(chapters), orientation[0]);
        }
    }

    /** The chapters in a GList of entries and their sub-entries, depth first. */
    private static void collect(Pointer list, List<Chapter> into) {
        for (Pointer node = list; node != null; node = node.getPointer(Native.POINTER_SIZE)) {
            Pointer entry = node.getPointer(0);
            if (Toc.GST.gst_toc_entry_get_entry_type(entry) == ENTRY_CHAPTER) {
                LongByReference start = new LongByReference();
                LongByReference stop = new LongByReference();
                Toc.GST.gst_toc_entry_get_start_stop_times(entry, start, stop);
                Pointer tags = Toc.GST.gst_toc_entry_get_tags(entry);
                into.add(new Chapter(tags == null ? null : TagEvents.string(tags, "title"), start.getValue(),
                        stop.getValue()));
            }
            collect(Toc.GST.gst_toc_entry_get_sub_entries(entry), into);
        }
    }

    interface Toc extends Library {
        Toc GST = GstNative.load(Toc.class);

        Pointer gst_toc_new(int scope);

        Pointer gst_toc_entry_new(int type, String uid);

        void gst_toc_entry_set_start_stop_times(Pointer entry, long start, long stop);

        /** Takes the list. */
        void gst_toc_entry_set_tags(Pointer entry, Pointer tags);

        /** Takes the sub-entry. */
        void gst_toc_entry_append_sub_entry(Pointer entry, Pointer subEntry);

        /** Takes the entry. */
        void gst_toc_append_entry(Pointer toc, Pointer entry);

        void gst_toc_setter_set_toc(GstObject setter, Pointer toc);

        Pointer gst_toc_entry_get_sub_entries(Pointer entry);

        int gst_toc_entry_get_entry_type(Pointer entry);

        boolean gst_toc_entry_get_start_stop_times(Pointer entry, LongByReference start, LongByReference stop);

        Pointer gst_toc_entry_get_tags(Pointer entry);

        Pointer gst_tag_list_new_from_string(String text);

        void gst_mini_object_unref(Pointer object);
    }
}
