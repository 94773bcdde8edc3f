package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;

/**
 * A buffer mapped with gst_video_frame_map, seen as a {@link VideoFrame} without copying. The
 * plane pointers and strides come from the buffer's GstVideoMeta when it has one (padded or
 * offset planes), otherwise from the caps' layout. Valid until {@link #close()}.
 */
final class MappedVideoFrame implements AutoCloseable {
    private final Memory frame;
    private final VideoFrame view;

    private MappedVideoFrame(Memory frame, VideoInfo info) {
        this.frame = frame;
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
        view = new VideoFrame(format, width, height, planes, strides);
    }

    /** Maps the buffer for reading or writing; returns null when the buffer does not fit the info. */
    static MappedVideoFrame map(VideoInfo info, Pointer buffer, boolean write) {
        Memory frame = new Memory(NativeLayout.VIDEO_FRAME_SIZE);
        frame.clear();
        int flags = write ? NativeLayout.MAP_WRITE : NativeLayout.MAP_READ;
        if (!GstVideoApi.LIB.gst_video_frame_map(frame, info.info, buffer, flags)) {
            return null;
        }
        try {
            return new MappedVideoFrame(frame, info);
        } catch (RuntimeException e) {
            GstVideoApi.LIB.gst_video_frame_unmap(frame);
            throw e;
        }
    }

    VideoFrame view() {
        return view;
    }

    @Override
    public void close() {
        GstVideoApi.LIB.gst_video_frame_unmap(frame);
    }
}
