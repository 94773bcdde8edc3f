package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
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

    /** What the bicubic engine makes of one frame (checked against an independent reference in trt-engine). */
    static VideoFrame bicubic(VideoFrame input, int scale) throws EngineException {
        StreamSpec spec = new StreamSpec(input.format(), input.width(), input.height(), scale);
        VideoFrame output = VideoFrame.allocate(input.format(), spec.outputWidth(), spec.outputHeight());
        try (StreamingSession session = Models.resolve("bicubic").open(spec, SessionOptions.DEFAULT)) {
            session.push(input, renderer -> {
                renderer.renderInto(output);
                return true;
            });
        }
        return output;
    }

    /** Compares the visible samples of two frames row by row, ignoring row padding. */
    static void assertSamePixels(VideoFrame expected, VideoFrame actual, String label) {
        PixelFormat format = expected.format();
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = actual.planeWidth(p) * format.pixelStride(p);
            for (int y = 0; y < actual.planeHeight(p); y++) {
                byte[] want = new byte[rowBytes];
                byte[] got = new byte[rowBytes];
                expected.plane(p).get(y * expected.stride(p), want);
                actual.plane(p).get(y * actual.stride(p), got);
                assertArrayEquals(want, got, label + ": plane " + p + " row " + y);
            }
        }
    }
}
