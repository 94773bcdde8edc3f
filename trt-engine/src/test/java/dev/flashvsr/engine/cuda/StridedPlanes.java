package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A planar image ({@code channels} planes of {@code height} rows of {@code width} values) of FP32
 * or FP16 elements in a direct buffer, as the planar kernels read and write it: rows
 * {@link #ROW_PAD} elements longer than the image and planes {@link #PLANE_PAD} elements longer
 * than their rows, every byte of those gaps holding 0xff, so that a kernel reading them reads NaN
 * and one writing them is caught by {@link #assertGapsUntouched}.
 */
final class StridedPlanes {
    static final int ROW_PAD = 3;
    static final int PLANE_PAD = 5;

    final int channels;
    final int width;
    final int height;
    final boolean half;
    final int rowStride;
    final int planeStride;
    private final ByteBuffer buffer;

    StridedPlanes(int channels, int width, int height, boolean half) {
        this.channels = channels;
        this.width = width;
        this.height = height;
        this.half = half;
        rowStride = width + ROW_PAD;
        planeStride = rowStride * height + PLANE_PAD;
        buffer = ByteBuffer.allocateDirect(channels * planeStride * elementBytes()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) 0xff);
        }
    }

    /** An image holding {@code values} (CHW, tight), FP16 ones rounded to the nearest half. */
    static StridedPlanes of(float[] values, int channels, int width, int height, boolean half) {
        StridedPlanes planes = new StridedPlanes(channels, width, height, half);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = values[(c * height + y) * width + x];
                    int at = planes.byteOffset(c, x, y);
                    if (half) {
                        planes.buffer.putShort(at, (short) HalfFloats.nearest(v));
                    } else {
                        planes.buffer.putFloat(at, v);
                    }
                }
            }
        }
        return planes;
    }

    int halfFlag() {
        return half ? 1 : 0;
    }

    Pointer pointer() {
        return KernelColorConversion.pointer(buffer);
    }

    /** The image's values as floats (CHW, tight; halves widened exactly). */
    float[] values() {
        float[] values = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int at = byteOffset(c, x, y);
                    values[(c * height + y) * width + x] =
                            half ? HalfFloats.value(buffer.getShort(at) & 0xffff) : buffer.getFloat(at);
                }
            }
        }
        return values;
    }

    /**
     * Fails unless every element holds {@code expected} (CHW, tight) exactly: FP32 the same bits,
     * FP16 the expected float rounded to the nearest half.
     */
    void assertHolds(float[] expected, String what) {
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float want = expected[(c * height + y) * width + x];
                    int at = byteOffset(c, x, y);
                    int got = half ? buffer.getShort(at) & 0xffff : buffer.getInt(at);
                    int wantBits = half ? HalfFloats.nearest(want) : Float.floatToRawIntBits(want);
                    if (got != wantBits) {
                        fail(what + ": channel " + c + " (" + x + ", " + y + ") holds 0x" + Integer.toHexString(got)
                                + ", expected " + want + " (0x" + Integer.toHexString(wantBits) + ")");
                    }
                }
            }
        }
        assertGapsUntouched(what);
    }

    /** Fails if any byte of the row or plane gaps lost its 0xff. */
    void assertGapsUntouched(String what) {
        int bytes = elementBytes();
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = width; x < rowStride; x++) {
                    assertGapByte(byteOffset(c, x, y), bytes, what + ": row gap of channel " + c + " (" + x + ", " + y
                            + ")");
                }
            }
            for (int k = 0; k < PLANE_PAD; k++) {
                assertGapByte((c * planeStride + height * rowStride + k) * bytes, bytes,
                        what + ": plane gap of channel " + c);
            }
        }
    }

    private void assertGapByte(int at, int bytes, String where) {
        for (int b = 0; b < bytes; b++) {
            if (buffer.get(at + b) != (byte) 0xff) {
                fail(where + " was written");
            }
        }
    }

    private int byteOffset(int c, int x, int y) {
        return (c * planeStride + y * rowStride + x) * elementBytes();
    }

    private int elementBytes() {
        return half ? 2 : 4;
    }
}
