package dev.flashvsr.element.gst;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/** The gst-video functions the element uses outside the per-buffer path: video info, video pools. */
public interface GstVideoApi extends Library {
    GstVideoApi LIB = Native.load("libgstvideo-1.0.so.0", GstVideoApi.class);

    boolean gst_video_info_from_caps(Pointer info, Pointer caps);

    Pointer gst_video_buffer_pool_new();

    long gst_video_meta_api_get_type();
}
