package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;

/** A GstVideoInfo parsed from caps, in native memory, with the fields the element reads. */
final class VideoInfo {
    final Memory info = new Memory(NativeLayout.VIDEO_INFO_SIZE);
    final PixelFormat format;
    private final String colorimetryName;

    private VideoInfo(PixelFormat format, String colorimetryName) {
        this.format = format;
        this.colorimetryName = colorimetryName;
    }

    /** Parses fixed video caps; returns null when they are not raw video this element supports. */
    static VideoInfo fromCaps(Pointer caps) {
        if (GstApi.LIB.gst_caps_get_size(caps) != 1) {
            return null;
        }
        Pointer structure = GstApi.LIB.gst_caps_get_structure(caps, 0);
        PixelFormat format = PixelFormat.fromGstName(GstApi.LIB.gst_structure_get_string(structure, "format"))
                .orElse(null);
        if (format == null) {
            return null;
        }
        VideoInfo parsed = new VideoInfo(format, GstApi.LIB.gst_structure_get_string(structure, "colorimetry"));
        parsed.info.clear();
        return GstVideoApi.LIB.gst_video_info_from_caps(parsed.info, caps) ? parsed : null;
    }

    Colorimetry colorimetry() {
        return Colorimetry.parse(colorimetryName, format, height());
    }

    int width() {
        return info.getInt(NativeLayout.VIDEO_INFO_WIDTH);
    }

    int height() {
        return info.getInt(NativeLayout.VIDEO_INFO_HEIGHT);
    }

    long size() {
        return info.getLong(NativeLayout.VIDEO_INFO_SIZE_FIELD);
    }

    /** Nanoseconds per frame from the caps' framerate; -1 for variable or unknown rates. */
    long frameDurationNanos() {
        int fpsN = info.getInt(NativeLayout.VIDEO_INFO_FPS_N);
        int fpsD = info.getInt(NativeLayout.VIDEO_INFO_FPS_D);
        return fpsN <= 0 ? -1 : 1_000_000_000L * fpsD / fpsN;
    }
}
