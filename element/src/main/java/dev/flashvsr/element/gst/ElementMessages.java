package dev.flashvsr.element.gst;

import com.sun.jna.Pointer;

/** Posts element errors, warnings and information on the bus, as GST_ELEMENT_ERROR does in C. */
final class ElementMessages {
    private static final GstApi GST = GstApi.LIB;
    private static final GObjectApi GOBJECT = GObjectApi.LIB;

    /** The error domains of GStreamer, each with its quark. */
    enum Domain {
        CORE, LIBRARY, RESOURCE, STREAM;

        int quark() {
            return switch (this) {
                case CORE -> GST.gst_core_error_quark();
                case LIBRARY -> GST.gst_library_error_quark();
                case RESOURCE -> GST.gst_resource_error_quark();
                case STREAM -> GST.gst_stream_error_quark();
            };
        }
    }

    private ElementMessages() {
    }

    static void error(Pointer element, Domain domain, int code, String text, String debug) {
        post(element, NativeLayout.MESSAGE_ERROR, domain, code, text, debug);
    }

    static void warning(Pointer element, Domain domain, int code, String text, String debug) {
        post(element, NativeLayout.MESSAGE_WARNING, domain, code, text, debug);
    }

    static void info(Pointer element, Domain domain, int code, String text, String debug) {
        post(element, NativeLayout.MESSAGE_INFO, domain, code, text, debug, null);
    }

    /** An INFO message carrying {@code details} (a GstStructure this call takes over), so applications can tell it apart. */
    static void info(Pointer element, Domain domain, int code, String text, String debug, Pointer details) {
        post(element, NativeLayout.MESSAGE_INFO, domain, code, text, debug, details);
    }

    /** An unexpected Java failure: the message names the exception, the debug text has its stack. */
    static void error(Pointer element, String context, Throwable failure) {
        error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FAILED,
                "flashvsrfilter: " + context + ": " + failure, stackText(failure));
    }

    /** The exception's class name and stack, as the debug text of an error. */
    static String stackText(Throwable failure) {
        StringBuilder debug = new StringBuilder(failure.getClass().getName());
        for (StackTraceElement frame : failure.getStackTrace()) {
            debug.append("\n  at ").append(frame);
        }
        return debug.toString();
    }

    private static void post(Pointer element, int type, Domain domain, int code, String text, String debug) {
        post(element, type, domain, code, text, debug, null);
    }

    private static void post(Pointer element, int type, Domain domain, int code, String text, String debug,
            Pointer details) {
        // Takes ownership of both strings (freed with g_free) and of the details structure.
        GST.gst_element_message_full_with_details(element, type, domain.quark(), code, GOBJECT.g_strdup(text),
                GOBJECT.g_strdup(debug), "FlashVsrFilter.java", "flashvsrfilter", 0, details);
    }
}
