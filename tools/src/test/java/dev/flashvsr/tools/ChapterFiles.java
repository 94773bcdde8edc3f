package dev.flashvsr.tools;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;

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

    private static final int ENTRY_CHAPTER = 3;

    private ChapterFiles() {
    }

    /** Runs {@code pipeline}, whose muxer (matroskamux) is named mux, into {@code file}, with these chapters. */
    static Path write(Path file, String pipeline, List<Chapter> chapters) {
        GstSupport.init();
        Pipeline p = (Pipeline) Gst.parseLaunch(pipeline + " ! filesink location=\"" + file + "\"");
        Chapters.Toc gst = Chapters.Toc.GST;
        Pointer toc = Chapters.toc(titlesAndStarts(chapters), i -> chapters.get(i).stop());
        gst.gst_toc_setter_set_toc(p.getElementByName("mux"), toc);
        StreamNative.GST.gst_mini_object_unref(toc);
        CliTestSupport.runToEnd(new PipelineRun(p), file);
        return file;
    }

    /** The chapters without their ends, as an MP4 chapter list holds them. */
    static List<Mp4Chapters.Chapter> titlesAndStarts(List<Chapter> chapters) {
        return chapters.stream().map(c -> new Mp4Chapters.Chapter(c.title(), c.start())).toList();
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
            if (Chapters.Toc.GST.gst_toc_entry_get_entry_type(entry) == ENTRY_CHAPTER) {
                LongByReference start = new LongByReference();
                LongByReference stop = new LongByReference();
                Chapters.Toc.GST.gst_toc_entry_get_start_stop_times(entry, start, stop);
                Pointer tags = Chapters.Toc.GST.gst_toc_entry_get_tags(entry);
                into.add(new Chapter(tags == null ? null : TagEvents.string(tags, "title"), start.getValue(),
                        stop.getValue()));
            }
            collect(Chapters.Toc.GST.gst_toc_entry_get_sub_entries(entry), into);
        }
    }
}
