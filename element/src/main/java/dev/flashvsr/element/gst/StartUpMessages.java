package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.flashvsr.element.StartUpProgress;
import dev.flashvsr.element.gst.DebugLog.GstLevel;
import dev.flashvsr.element.gst.ElementMessages.Domain;
import java.util.function.Consumer;

/**
 * Posts what {@link StartUpProgress} announces while a session opens: an element message with a
 * {@value #STRUCTURE} structure for applications (fields {@code model} and {@code step}
 * strings, {@code fraction} double, -1 when unknown, {@code elapsed-ms} uint64, {@code done}
 * boolean, true once the session is open), an INFO message with the same text as message and
 * debug text (gst-launch-1.0 prints the latter) and the structure as details, so that
 * applications can tell it from other INFO messages, and a log line at INFO.
 */
final class StartUpMessages {
    static final String STRUCTURE = "flashvsr-progress";
    private static final GstApi GST = GstApi.LIB;
    private static final GObjectApi GOBJECT = GObjectApi.LIB;

    private StartUpMessages() {
    }

    static void post(Pointer element, StartUpProgress.Update update) {
        String text = "flashvsrfilter: " + update.text();
        DebugLog.log(GstLevel.INFO, element, () -> text);
        Pointer structure = structure(update);
        ElementMessages.info(element, Domain.RESOURCE, NativeLayout.RESOURCE_ERROR_OPEN_READ, text, text,
                GST.gst_structure_copy(structure));
        GST.gst_element_post_message(element, GST.gst_message_new_element(element, structure));
    }

    private static Pointer structure(StartUpProgress.Update update) {
        Pointer structure = GST.gst_structure_new_empty(STRUCTURE);
        Memory value = new Memory(NativeLayout.GVALUE_SIZE);
        set(structure, "model", value, NativeLayout.G_TYPE_STRING, v -> GOBJECT.g_value_set_string(v, update.model()));
        set(structure, "step", value, NativeLayout.G_TYPE_STRING, v -> GOBJECT.g_value_set_string(v, update.step()));
        set(structure, "fraction", value, NativeLayout.G_TYPE_DOUBLE,
                v -> GOBJECT.g_value_set_double(v, update.fraction()));
        set(structure, "elapsed-ms", value, NativeLayout.G_TYPE_UINT64,
                v -> GOBJECT.g_value_set_uint64(v, update.elapsedMillis()));
        set(structure, "done", value, NativeLayout.G_TYPE_BOOLEAN,
                v -> GOBJECT.g_value_set_boolean(v, update.done() ? 1 : 0));
        return structure;
    }

    /** Sets one field through a GValue of {@code type} that {@code setter} fills (the structure copies it). */
    private static void set(Pointer structure, String field, Memory value, long type, Consumer<Pointer> setter) {
        value.clear();
        GOBJECT.g_value_init(value, type);
        setter.accept(value);
        GST.gst_structure_set_value(structure, field, value);
        GOBJECT.g_value_unset(value);
    }
}
