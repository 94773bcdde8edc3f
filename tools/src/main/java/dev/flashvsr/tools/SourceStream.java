package dev.flashvsr.tools;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.lowlevel.GlibAPI;

/**
 * One stream of the input as the demuxer exposes it, named the way warnings name it:
 * {@code stream 2 (audio, Vorbis, language fr)}.
 *
 * @param index     position among all the input's streams, from 0, in the order the demuxer exposes them
 * @param kindIndex position among the streams of its kind (what {@code --streams a:N} counts)
 * @param codec     GStreamer's description of the caps ("MPEG-4 AAC"), or the media type
 * @param language  the stream's language-code tag, or null when it has none
 */
record SourceStream(int index, StreamKind kind, int kindIndex, String codec, String language) {

    static SourceStream of(int index, StreamKind kind, int kindIndex, Pad pad, Caps caps) {
        return new SourceStream(index, kind, kindIndex, codecOf(caps), languageOf(pad));
    }

    String describe() {
        return "stream " + index + " (" + kind.word() + ", " + codec + (language == null ? "" : ", language " + language)
                + ")";
    }

    private static String codecOf(Caps caps) {
        if (caps == null || caps.size() == 0) {
            return "unknown format";
        }
        Pointer text = StreamNative.PBUTILS.gst_pb_utils_get_codec_description(caps);
        if (text == null) {
            return caps.getStructure(0).getName();
        }
        try {
            return text.getString(0);
        } finally {
            GlibAPI.GLIB_API.g_free(text);
        }
    }

    /**
     * The language-code of the tags already on the pad: demuxers send a stream's tags before its
     * first buffer, which parsebin lets through before it exposes the pad.
     */
    private static String languageOf(Pad pad) {
        String language = null;
        for (Pointer event : StickyTags.events(pad)) {
            try {
                PointerByReference tags = new PointerByReference();
                StreamNative.GST.gst_event_parse_tag(event, tags);
                PointerByReference value = new PointerByReference();
                if (language == null && tags.getValue() != null
                        && StreamNative.GST.gst_tag_list_get_string(tags.getValue(), "language-code", value)) {
                    language = value.getValue().getString(0);
                    GlibAPI.GLIB_API.g_free(value.getValue());
                }
            } finally {
                StreamNative.GST.gst_mini_object_unref(event);
            }
        }
        return language;
    }
}
