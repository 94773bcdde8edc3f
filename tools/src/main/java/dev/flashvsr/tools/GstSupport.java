package dev.flashvsr.tools;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.flashvsr.element.FlashVsrPlugin;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.GstObject;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.lowlevel.GlibAPI;
import org.freedesktop.gstreamer.lowlevel.GstNative;
import org.freedesktop.gstreamer.message.Message;

/** GStreamer set-up for the command line's own JVM, and the few native calls gst1-java-core lacks. */
final class GstSupport {

    /** Which GStreamer package usually provides an element, for "element missing" messages. */
    private static final java.util.Map<String, String> PACKAGES = java.util.Map.ofEntries(
            java.util.Map.entry("x264enc", "gstreamer1.0-plugins-ugly"),
            java.util.Map.entry("h264parse", "gstreamer1.0-plugins-bad"),
            java.util.Map.entry("mp4mux", "gstreamer1.0-plugins-good"),
            java.util.Map.entry("matroskamux", "gstreamer1.0-plugins-good"),
            java.util.Map.entry("flashvsrfilter", "this project's element module (dev.flashvsr:element)"));

    /** The structure name flashvsrfilter gives the messages of a session's start-up (element and INFO details). */
    static final String START_UP_STRUCTURE = "flashvsr-progress";

    private static boolean initialized;

    private GstSupport() {
    }

    /**
     * Initializes GStreamer once per JVM and registers {@code flashvsrfilter} in it. Safe to call
     * repeatedly and from several threads (tests share one JVM).
     */
    static synchronized void init() {
        if (initialized) {
            return;
        }
        if (!Gst.isInitialized()) {
            // Must run before gst_init: GStreamer's SIGSEGV trap would otherwise replace the
            // JVM's own signal handling, which the JVM relies on internally.
            FlashVsrPlugin.prepareJavaHost();
            try {
                Gst.init(Version.of(1, 16), "flashvsr");
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                throw CliException.failure("cannot initialize GStreamer 1.16 or newer: " + e.getMessage());
            }
        }
        FlashVsrPlugin.registerInProcess();
        initialized = true;
    }

    /** Creates an element or fails with a message that names the package to install. */
    static Element make(String factory, String name) {
        Element element;
        try {
            element = ElementFactory.make(factory, name);
        } catch (IllegalArgumentException e) {
            element = null;
        }
        if (element == null) {
            String pkg = PACKAGES.get(factory);
            throw CliException.failure("GStreamer element '" + factory + "' is not available"
                    + (pkg == null ? "" : " (it comes from " + pkg + ")"));
        }
        return element;
    }

    /**
     * Counts the buffers that pass {@code pad} from now on. On a sink pad the count runs after the
     * pad's own flushing and EOS checks, so it holds exactly the buffers the element accepted.
     */
    static AtomicLong countBuffers(Pad pad) {
        AtomicLong count = new AtomicLong();
        pad.addProbe(PadProbeType.BUFFER, (p, info) -> {
            count.incrementAndGet();
            return PadProbeReturn.OK;
        });
        return count;
    }

    static boolean hasProperty(GstObject object, String property) {
        return object.listPropertyNames().contains(property);
    }

    /**
     * Sets a property from its textual form the way gst-launch does (enums by nick, numbers,
     * booleans); fails with a usage error naming the element when the value does not fit.
     */
    static void setArg(Element element, String property, String value) {
        if (!hasProperty(element, property)) {
            throw CliException.failure(element.getName() + " (" + element.getTypeName() + ") has no property '"
                    + property + "'");
        }
        try {
            element.setAsString(property, value);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("invalid value '" + value + "' for property '" + property + "' of "
                    + element.getName() + ": " + e.getMessage());
        }
    }

    /** Message text, debug string and source path of an ERROR, WARNING or INFO message. */
    record MessageText(String message, String debug, String source) {
    }

    /** The text of an ERROR, WARNING or INFO message (by its type). */
    static MessageText parse(Message message) {
        PointerByReference error = new PointerByReference();
        PointerByReference debug = new PointerByReference();
        switch (message.getType()) {
            case WARNING -> NativeGst.API.gst_message_parse_warning(message, error, debug);
            case INFO -> NativeGst.API.gst_message_parse_info(message, error, debug);
            default -> NativeGst.API.gst_message_parse_error(message, error, debug);
        }
        String text = null;
        Pointer gerror = error.getValue();
        if (gerror != null) {
            // struct GError { GQuark domain; gint code; gchar *message; }: two 32-bit fields,
            // so the message pointer sits at offset 8 on both 32- and 64-bit platforms.
            Pointer msg = gerror.getPointer(8);
            text = msg == null ? null : msg.getString(0);
            GlibAPI.GLIB_API.g_error_free(gerror);
        }
        String debugText = null;
        Pointer dbg = debug.getValue();
        if (dbg != null) {
            debugText = dbg.getString(0);
            GlibAPI.GLIB_API.g_free(dbg);
        }
        String source = null;
        GstObject src = message.getSource();
        if (src != null) {
            Pointer path = NativeGst.API.gst_object_get_path_string(src);
            if (path != null) {
                source = path.getString(0);
                GlibAPI.GLIB_API.g_free(path);
            }
        }
        return new MessageText(text == null ? "unknown GStreamer error" : text, debugText, source);
    }

    /**
     * Whether an INFO message is one of flashvsrfilter's start-up steps before the session is open:
     * its details are a {@value #START_UP_STRUCTURE} structure whose {@code done} is false. The
     * element message beside it says the same for the progress line.
     */
    static boolean isStartUpStep(Message info) {
        PointerByReference details = new PointerByReference();
        NativeGst.API.gst_message_parse_info_details(info, details);
        Pointer structure = details.getValue();
        IntByReference done = new IntByReference();
        return structure != null && NativeGst.API.gst_structure_has_name(structure, START_UP_STRUCTURE)
                && NativeGst.API.gst_structure_get_boolean(structure, "done", done) && done.getValue() == 0;
    }

    /** Direct bindings, loaded with gst1-java-core's type mapper so its objects pass as pointers. */
    interface NativeGst extends Library {
        NativeGst API = GstNative.load(NativeGst.class);

        void gst_message_parse_error(Message message, PointerByReference error, PointerByReference debug);

        void gst_message_parse_warning(Message message, PointerByReference error, PointerByReference debug);

        void gst_message_parse_info(Message message, PointerByReference error, PointerByReference debug);

        /** The details structure stays the message's: not to be freed. */
        void gst_message_parse_info_details(Message message, PointerByReference structure);

        boolean gst_structure_has_name(Pointer structure, String name);

        boolean gst_structure_get_boolean(Pointer structure, String field, IntByReference value);

        Pointer gst_object_get_path_string(GstObject object);
    }
}
