package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * Carries the input's chapters, the table of contents (GstToc) a demuxer sends down its pads
 * (matroskademux does; qtdemux 1.22 reads no chapters), to a muxer that writes one: matroskamux,
 * a GstTocSetter. mp4mux and qtmux 1.22 write no chapters: for them a warning says so.
 */
final class Chapters {
    private final Element mux;
    private final String container;
    private final PipelineRun run;
    private final boolean muxerTakesThem;
    private final AtomicBoolean handled = new AtomicBoolean();

    /** @param container the output's container, for the warning ("MP4") */
    Chapters(Element mux, String container, PipelineRun run) {
        this.mux = mux;
        this.container = container;
        this.run = run;
        this.muxerTakesThem = Toc.GST.g_type_check_instance_is_a(Natives.getRawPointer(mux),
                Toc.GST.gst_toc_setter_get_type());
    }

    /**
     * Watches a demuxer pad for the input's table of contents, which precedes the pad's first
     * buffer and so reaches the muxer before it writes its header. The demuxer sends it on every
     * pad: the first one is used.
     */
    void watch(Pad pad) {
        pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, (p, info) -> {
            Structure s = info.getEvent().getStructure();
            if (s != null && s.getName().startsWith("GstEventToc")) {
                PointerByReference toc = new PointerByReference();
                Toc.GST.gst_event_parse_toc(Natives.getRawPointer(info.getEvent()), toc, new IntByReference());
                try {
                    if (Toc.GST.gst_toc_get_entries(toc.getValue()) != null && handled.compareAndSet(false, true)) {
                        keep(toc.getValue());
                    }
                } finally {
                    StreamNative.GST.gst_mini_object_unref(toc.getValue());
                }
            }
            return PadProbeReturn.OK;
        });
    }

    private void keep(Pointer toc) {
        if (muxerTakesThem) {
            Toc.GST.gst_toc_setter_set_toc(Natives.getRawPointer(mux), toc);
        } else {
            run.warn("chapters are dropped: " + container + " output cannot hold them here; write .mkv to keep them");
        }
    }

    /** The GstToc calls gst1-java-core lacks. */
    interface Toc extends Library {
        Toc GST = GstNative.load(Toc.class);

        /** The table comes with a new reference. */
        void gst_event_parse_toc(Pointer event, PointerByReference toc, IntByReference updated);

        /** The table's top-level entries (a GList it keeps), null when it has none. */
        Pointer gst_toc_get_entries(Pointer toc);

        /** The setter takes its own reference. */
        void gst_toc_setter_set_toc(Pointer setter, Pointer toc);

        long gst_toc_setter_get_type();

        boolean g_type_check_instance_is_a(Pointer instance, long type);
    }
}
