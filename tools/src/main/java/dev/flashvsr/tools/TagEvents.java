package dev.flashvsr.tools;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.function.Consumer;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.lowlevel.GlibAPI;

/** The tag lists passing a pad, for code that reads tags gst1-java-core does not expose. */
final class TagEvents {
    static final int SCOPE_GLOBAL = 1;

    private TagEvents() {
    }

    /** Calls {@code onTags} with each tag event's list (the event's own: do not keep it), on the streaming thread. */
    static void watch(Pad pad, Consumer<Pointer> onTags) {
        pad.addProbe(PadProbeType.EVENT_DOWNSTREAM, (p, info) -> {
            Structure s = info.getEvent().getStructure();
            if (s != null && s.getName().startsWith("GstTagList")) {
                PointerByReference tags = new PointerByReference();
                StreamNative.GST.gst_event_parse_tag(Natives.getRawPointer(info.getEvent()), tags);
                if (tags.getValue() != null) {
                    onTags.accept(tags.getValue());
                }
            }
            return PadProbeReturn.OK;
        });
    }

    /** A string tag's first value, or null. */
    static String string(Pointer tags, String tag) {
        PointerByReference value = new PointerByReference();
        if (!StreamNative.GST.gst_tag_list_get_string(tags, tag, value)) {
            return null;
        }
        String text = value.getValue().getString(0);
        GlibAPI.GLIB_API.g_free(value.getValue());
        return text;
    }
}
