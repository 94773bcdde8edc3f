package dev.flashvsr.element.gst;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** gst-video's per-buffer frame mapping, bound with JNA direct mapping (see {@link StreamingCalls}). */
final class VideoFrameCalls {
    static {
        Native.register(VideoFrameCalls.class, "libgstvideo-1.0.so.0");
    }

    private VideoFrameCalls() {
    }

    static native boolean gst_video_frame_map(Pointer frame, Pointer info, Pointer buffer, int flags);

    static native void gst_video_frame_unmap(Pointer frame);
}
