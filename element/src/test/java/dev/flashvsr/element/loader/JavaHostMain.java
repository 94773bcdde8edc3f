package dev.flashvsr.element.loader;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.flashvsr.element.FlashVsrPlugin;

/**
 * A Java application that hosts GStreamer (through JNA, with no in-process registration) and
 * gets flashvsrfilter from the loader plugin on GST_PLUGIN_PATH: the loader must join this JVM
 * instead of creating one. Run by {@link JavaHostLoaderTest} in a child JVM.
 *
 * <p>usage: JavaHostMain [--prepare] [--gc-stress] PIPELINE...; prints "result=EOS" and exits
 * 0, or prints the error and exits 1.
 */
public final class JavaHostMain {
    private static final int GST_STATE_NULL = 1;
    private static final int GST_STATE_PLAYING = 4;
    private static final int GST_MESSAGE_EOS = 1;
    private static final int GST_MESSAGE_ERROR = 2;
    private static final long GST_CLOCK_TIME_NONE = -1L;
    /** GstMessage.type follows the 64-byte GstMiniObject (x86-64). */
    private static final int MESSAGE_TYPE_OFFSET = 64;

    interface Gst extends Library {
        Gst LIB = Native.load("gstreamer-1.0", Gst.class);

        void gst_init(Pointer argc, Pointer argv);

        Pointer gst_parse_launch(String description, PointerByReference error);

        int gst_element_set_state(Pointer element, int state);

        Pointer gst_element_get_bus(Pointer element);

        Pointer gst_bus_timed_pop_filtered(Pointer bus, long timeout, int types);

        void gst_mini_object_unref(Pointer object);

        void gst_object_unref(Pointer object);
    }

    private JavaHostMain() {
    }

    public static void main(String[] args) {
        boolean prepare = false;
        boolean gcStress = false;
        StringBuilder pipeline = new StringBuilder();
        for (String a : args) {
            if (a.equals("--prepare")) {
                prepare = true;
            } else if (a.equals("--gc-stress")) {
                gcStress = true;
            } else {
                pipeline.append(a).append(' ');
            }
        }
        if (gcStress) {
            Thread t = new Thread(() -> {
                while (true) {
                    System.gc();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "gc-stress");
            t.setDaemon(true);
            t.start();
        }
        if (prepare) {
            FlashVsrPlugin.prepareJavaHost();
        }
        Gst gst = Gst.LIB;
        gst.gst_init(null, null);
        PointerByReference error = new PointerByReference();
        Pointer p = gst.gst_parse_launch(pipeline.toString().trim(), error);
        if (p == null || error.getValue() != null) {
            System.out.println("result=PARSE-ERROR "
                    + (error.getValue() != null ? error.getValue().getPointer(8).getString(0) : ""));
            System.exit(1);
        }
        gst.gst_element_set_state(p, GST_STATE_PLAYING);
        Pointer bus = gst.gst_element_get_bus(p);
        Pointer msg = gst.gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
        int type = msg == null ? 0 : msg.getInt(MESSAGE_TYPE_OFFSET);
        if (msg != null) {
            gst.gst_mini_object_unref(msg);
        }
        gst.gst_object_unref(bus);
        gst.gst_element_set_state(p, GST_STATE_NULL);
        gst.gst_object_unref(p);
        System.out.println(type == GST_MESSAGE_EOS ? "result=EOS" : "result=ERROR (message type " + type + ")");
        System.exit(type == GST_MESSAGE_EOS ? 0 : 1);
    }
}
