package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/**
 * Warns when the input's chapters cannot be kept. They are the table of contents (GstToc) that a
 * demuxer sends down its pads as an event (matroskademux does; qtdemux 1.22 reads no chapters);
 * the event passes the decoder, flashvsrfilter and the encoder, and a muxer that is a GstTocSetter
 * (matroskamux) writes what it receives. mp4mux and qtmux 1.22 are not: they drop it.
 */
final class Chapters {
    private final String container;
    private final PipelineRun run;
    private final boolean muxerTakesThem;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** @param container the output's container, for the warning ("MP4") */
    Chapters(Element mux, String container, PipelineRun run) {
        this.container = container;
        this.run = run;
        this.muxerTakesThem = Toc.GST.g_type_check_instance_is_a(Natives.getRawPointer(mux),
                Toc.GST.gst_toc_setter_get_type());
    }

    /** Watches a demuxer pad for the input's table of contents; the demuxer sends it on every pad. */
    void watch(Pad pad) {
        if (muxerTakesThem) {
            return;
        }
        onToc(pad, toc -> {
            if (Toc.GST.gst_toc_get_entries(toc) != null && warned.compareAndSet(false, true)) {
                run.warn("chapters are dropped: " + container + " output cannot hold them here; write .mkv to keep"
                        + " them");
            }
        });
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

    /** The GstToc calls gst1-java-core lacks. */
    interface Toc extends Library {
        Toc GST = GstNative.load(Toc.class);

        /** The table comes with a new reference. */
        void gst_event_parse_toc(Pointer event, PointerByReference toc, IntByReference updated);

        /** The table's top-level entries (a GList it keeps), null when it has none. */
        Pointer gst_toc_get_entries(Pointer toc);

        long gst_toc_setter_get_type();

        boolean g_type_check_instance_is_a(Pointer instance, long type);
    }
}
