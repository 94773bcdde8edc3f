package dev.flashvsr.element.gst;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The GStreamer functions called for every buffer, bound with JNA direct mapping: a call costs a
 * fraction of an interface-mapped call, which matters at hundreds of buffers per second.
 */
final class StreamingCalls {
    static {
        Native.register(StreamingCalls.class, "libgstreamer-1.0.so.0");
    }

    private StreamingCalls() {
    }

    static native int gst_pad_push(Pointer pad, Pointer buffer);

    static native boolean gst_pad_check_reconfigure(Pointer pad);

    static native void gst_mini_object_unref(Pointer object);

    static native long gst_segment_to_running_time(Pointer segment, int format, long position);

    /** Stores the acquired buffer at {@code out} (a pointer-sized slot). */
    static native int gst_buffer_pool_acquire_buffer(Pointer pool, Pointer out, Pointer params);
}
