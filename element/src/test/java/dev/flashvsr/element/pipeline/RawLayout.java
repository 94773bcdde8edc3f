package dev.flashvsr.element.pipeline;

import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;

/**
 * GStreamer's default raw video layout (gst_video_info_set_format): rows padded to 4 bytes, and
 * for 4:2:0 formats the luma plane counted with an even number of rows before the chroma planes.
 */
final class RawLayout {
    private RawLayout() {
    }

    static VideoFrame wrap(PixelFormat format, int width, int height, byte[] data) {
        ByteBuffer all = ByteBuffer.wrap(data);
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[planes.length];
        int offset = 0;
        for (int p = 0; p < planes.length; p++) {
            strides[p] = VideoFrame.defaultStride(format, p, width);
            planes[p] = all.duplicate().position(offset).slice();
            int rows = p == 0 && format.isYuv() ? (height + 1) & ~1 : format.planeHeight(p, height);
            offset += strides[p] * rows;
        }
        return new VideoFrame(format, width, height, planes, strides);
    }
}
