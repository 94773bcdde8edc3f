package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;
import java.util.Random;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.glib.Natives;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Input buffers whose planes are padded and offset, described only by a GstVideoMeta (as
 * hardware decoders and cropping elements produce them), are read in place and correctly.
 */
class VideoMetaTest {
    interface VideoMetaApi extends Library {
        VideoMetaApi LIB = Native.load("libgstvideo-1.0.so.0", VideoMetaApi.class);

        int gst_video_format_from_string(String format);

        Pointer gst_buffer_add_video_meta_full(Pointer buffer, int flags, int format, int width, int height,
                int planes, long[] offsets, int[] strides);
    }

    private static final int WIDTH = 11;
    private static final int HEIGHT = 7;
    private static final int PADDING = 37;
    private static final int LEADING = 16;

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = {"RGB", "I420", "NV12", "BGRX"})
    void paddedPlanesDescribedByVideoMetaAreHonoured(PixelFormat format) throws Exception {
        VideoFrame packed = VideoFrame.allocate(format, WIDTH, HEIGHT);
        long[] offsets = new long[4];
        int[] strides = new int[4];
        int size = LEADING;
        for (int p = 0; p < format.planeCount(); p++) {
            offsets[p] = size;
            strides[p] = format.planeWidth(p, WIDTH) * format.pixelStride(p) + PADDING;
            size += strides[p] * format.planeHeight(p, HEIGHT) + LEADING;
        }
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) 0xAB);
        Random random = new Random(format.ordinal());
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = format.planeWidth(p, WIDTH) * format.pixelStride(p);
            for (int y = 0; y < format.planeHeight(p, HEIGHT); y++) {
                for (int i = 0; i < rowBytes; i++) {
                    byte value = (byte) random.nextInt(256);
                    bytes[(int) offsets[p] + y * strides[p] + i] = value;
                    packed.plane(p).put(y * packed.stride(p) + i, value);
                }
            }
        }
        int formatId = VideoMetaApi.LIB.gst_video_format_from_string(format.gstName());
        GstTestSupport.Run run = GstTestSupport.run("appsrc name=src format=time ! flashvsrfilter model=bicubic scale=2 ! "
                + "appsink name=out", (pipeline, sinks) -> {
                    AppSrc src = (AppSrc) pipeline.getElementByName("src");
                    src.setCaps(Caps.fromString("video/x-raw,format=" + format.gstName() + ",width=" + WIDTH
                            + ",height=" + HEIGHT + ",framerate=30/1"));
                    Buffer buffer = new Buffer(bytes.length);
                    ByteBuffer mapped = buffer.map(true);
                    mapped.put(bytes);
                    buffer.unmap();
                    buffer.setPresentationTimestamp(0);
                    assertNotNull(VideoMetaApi.LIB.gst_buffer_add_video_meta_full(Natives.getRawPointer(buffer), 0,
                            formatId, WIDTH, HEIGHT, format.planeCount(), offsets, strides));
                    src.pushBuffer(buffer);
                    src.endOfStream();
                });
        assertNull(run.error(), run.error());
        assertEquals(1, run.frames().size());
        RawLayout.assertSamePixels(RawLayout.bicubic(packed, 2),
                RawLayout.wrap(format, WIDTH * 2, HEIGHT * 2, run.frames().get(0).data()), format.toString());
    }
}
