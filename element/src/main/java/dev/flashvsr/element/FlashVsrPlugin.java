package dev.flashvsr.element;

import com.sun.jna.Pointer;
import dev.flashvsr.element.gst.ElementType;
import dev.flashvsr.element.gst.GObjectApi;
import dev.flashvsr.element.gst.GstApi;

/**
 * Registers the plugin's elements with GStreamer, either inside a Java application that already
 * initialised GStreamer ({@link #registerInProcess()}) or for the native loader plugin, which
 * passes its {@code GstPlugin*} ({@link #registerPlugin(long)}).
 */
public final class FlashVsrPlugin {
    public static final String PLUGIN_NAME = "flashvsr";
    /** Rank NONE: auto-pluggers never insert an upscaler the application did not ask for. */
    private static final int RANK_NONE = 0;

    private FlashVsrPlugin() {
    }

    /**
     * For Java applications, before {@code gst_init}: GStreamer's segfault trap would otherwise
     * replace the JVM's SIGSEGV handler, which the JVM needs to run at all.
     */
    public static void prepareJavaHost() {
        GstApi.LIB.gst_segtrap_set_enabled(false);
    }

    /** Registers flashvsrfilter as a static element of this process (after {@code gst_init}). */
    public static void registerInProcess() {
        if (!GstApi.LIB.gst_element_register(null, ElementType.ELEMENT_NAME, RANK_NONE, ElementType.gtype())) {
            throw new IllegalStateException("GStreamer refused to register " + ElementType.ELEMENT_NAME);
        }
    }

    /** Entry point of the native loader: registers every element against the given GstPlugin*. */
    public static boolean registerPlugin(long gstPluginPointer) {
        try {
            return GstApi.LIB.gst_element_register(new Pointer(gstPluginPointer), ElementType.ELEMENT_NAME,
                    RANK_NONE, ElementType.gtype());
        } catch (Throwable t) {
            GObjectApi.LIB.g_printerr("flashvsr: registering elements failed: %s\n", t.toString());
            return false;
        }
    }
}
