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
        post(element, NativeLayout.MESSAGE_INFO, domain, code, text, debug);
    }

    /** An unexpected Java failure: the message names the exception, the debug text has its stack. */
    static void error(Pointer element, String context, Throwable failure) {
        StringBuilder debug = new StringBuilder();
        for (StackTraceElement frame : failure.getStackTrace()) {
            debug.append("\n  at ").append(frame);
        }
        error(element, Domain.STREAM, NativeLayout.STREAM_ERROR_FAILED,
                "flashvsrfilter: " + context + ": " + failure, failure.getClass().getName() + debug);
    }

    private static void post(Pointer element, int type, Domain domain, int code, String text, String debug) {
        // gst_element_message_full takes ownership of both strings and frees them with g_free.
        GST.gst_element_message_full(element, type, domain.quark(), code, GOBJECT.g_strdup(text),
                GOBJECT.g_strdup(debug), "FlashVsrFilter.java", "flashvsrfilter", 0);
    }
}
