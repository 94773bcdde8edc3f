package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;

/**
 * Maps buffers with gst_video_frame_map and shows them as {@link VideoFrame}s without copying.
 * Plane pointers and strides come from the buffer's GstVideoMeta when it has one (padded or
 * offset planes), otherwise from the caps' layout. One instance maps one buffer at a time and
 * reuses its native GstVideoFrame struct; a view is valid until {@link #unmap()}.
 */
final class MappedVideoFrame {
    private final Memory frame = new Memory(NativeLayout.VIDEO_FRAME_SIZE);
    private boolean mapped;

    /** Maps the buffer for reading or writing; returns null when the buffer does not fit the info. */
    VideoFrame map(VideoInfo info, Pointer buffer, boolean write) {
        if (mapped) {
            throw new IllegalStateException("a buffer is already mapped");
        }
        int flags = write ? NativeLayout.MAP_WRITE : NativeLayout.MAP_READ;
        if (!VideoFrameCalls.gst_video_frame_map(frame, info.info, buffer, flags)) {
            return null;
        }
        mapped = true;
        try {
            return view(info);
        } catch (RuntimeException e) {
            unmap();
            throw e;
        }
    }

    private VideoFrame view(VideoInfo info) {
        PixelFormat format = info.format;
        int width = info.width();
        int height = info.height();
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[planes.length];
        for (int p = 0; p < planes.length; p++) {
            strides[p] = frame.getInt(NativeLayout.VIDEO_INFO_STRIDE + 4L * p);
            long rowBytes = (long) format.planeWidth(p, width) * format.pixelStride(p);
            long bytes = (long) strides[p] * (format.planeHeight(p, height) - 1) + rowBytes;
            Pointer data = frame.getPointer(NativeLayout.VIDEO_FRAME_DATA + (long) Native.POINTER_SIZE * p);
            planes[p] = data.getByteBuffer(0, bytes);
        }
        return new VideoFrame(format, width, height, planes, strides);
    }

    void unmap() {
        if (mapped) {
            mapped = false;
            VideoFrameCalls.gst_video_frame_unmap(frame);
        }
    }
}
