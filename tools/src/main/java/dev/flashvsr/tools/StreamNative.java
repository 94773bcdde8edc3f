package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.GstObject;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.lowlevel.GstNative;

/** The calls gst1-java-core lacks that the stream handling needs, on raw pointers where they hand over references. */
interface StreamNative extends Library {
    StreamNative GST = GstNative.load(StreamNative.class);
    Pbutils PBUTILS = Pbutils.load();

    /** Returns a new reference, or null. */
    Pointer gst_pad_get_sticky_event(Pad pad, int type, int index);

    /** The tag list stays the event's. */
    void gst_event_parse_tag(Pointer event, PointerByReference tags);

    /** A copy of the string, to be freed. */
    boolean gst_tag_list_get_string(Pointer tags, String tag, PointerByReference value);

    void gst_mini_object_unref(Pointer object);

    int gst_tag_list_get_scope(Pointer tags);

    /** A new reference, to be released with gst_date_time_unref. */
    boolean gst_tag_list_get_date_time(Pointer tags, String tag, PointerByReference value);

    /** A new GDateTime, or null when the date has no time of day. */
    Pointer gst_date_time_to_g_date_time(Pointer dateTime);

    void gst_date_time_unref(Pointer dateTime);

    void g_date_time_unref(Pointer dateTime);

    /** Seconds since 1970-01-01 UTC. */
    long g_date_time_to_unix(Pointer dateTime);

    void g_object_set(GstObject object, String property, Object... valueThenNull);

    /** GST_PAD_LINK_CHECK_NOTHING: link without comparing caps. */
    int LINK_CHECK_NOTHING = 0;

    /** Returns a GstPadLinkReturn, 0 when linked. */
    int gst_pad_link_full(Pad src, Pad sink, int flags);

    /** libgstpbutils: human names of formats. */
    interface Pbutils extends Library {
        private static Pbutils load() {
            Pbutils library = GstNative.load("gstpbutils", Pbutils.class);
            library.gst_pb_utils_init();
            return library;
        }

        void gst_pb_utils_init();

        /** A new string, to be freed; null for caps it does not know. */
        Pointer gst_pb_utils_get_codec_description(Caps caps);
    }
}
