package dev.flashvsr.element.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** GStreamer's debug-log functions (the ones GST_DEBUG_CATEGORY_INIT and GST_CAT_LEVEL_LOG use in C). */
interface GstDebugApi extends Library {
    GstDebugApi LIB = Native.load("libgstreamer-1.0.so.0", GstDebugApi.class);

    Pointer _gst_debug_category_new(String name, int color, String description);

    int gst_debug_category_get_threshold(Pointer category);

    // Variadic: gst_debug_log_literal would do, but it needs GStreamer 1.20 and JetPack 5 has 1.16.
    void gst_debug_log(Pointer category, int level, String file, String function, int line, Pointer object,
            String format, Object... args);
}
