package dev.flashvsr.engine.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.weights.HalfFloats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.Checksum;

/**
 * Writes a weight's values to a file as float32, float16, bfloat16 or int8 (quantized weights,
 * whose values are already whole numbers in [-128, 127]), a million at a time (bounded heap).
 */
final class ValueWriter {
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private ValueWriter() {
    }

    /**
     * Writes {@code count} values at {@code position}, updating {@code checksum} (if not null)
     * with the bytes written.
     *
     * @return the bytes written
     */
    static long write(FileChannel channel, long position, TensorProto.DataType type, long count,
            ExternalWeights.Values values, Checksum checksum) throws IOException {
        return convert(channel, position, type, count, values, checksum);
    }

    /** Updates {@code checksum} with the bytes {@link #write} would write, writing nothing. */
    static void checksum(TensorProto.DataType type, long count, ExternalWeights.Values values, Checksum checksum) {
        try {
            convert(null, 0, type, count, values, checksum);
        } catch (IOException e) {
            throw new IllegalStateException("nothing is written", e);
        }
    }

    /** Converts the values chunk by chunk into {@code channel} at {@code position} (when not null). */
    private static long convert(FileChannel channel, long position, TensorProto.DataType type, long count,
            ExternalWeights.Values values, Checksum checksum) throws IOException {
        int size = WeightRef.elementSize(type);
        float[] chunk = new float[(int) Math.min(CHUNK_ELEMENTS, Math.max(count, 1))];
        ByteBuffer bytes = ByteBuffer.allocate(chunk.length * size).order(ByteOrder.LITTLE_ENDIAN);
        long at = position;
        for (long first = 0; first < count; first += chunk.length) {
            int n = (int) Math.min(chunk.length, count - first);
            values.read(first, chunk, n);
            bytes.clear();
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case FLOAT -> bytes.putFloat(chunk[i]);
                    case FLOAT16 -> bytes.putShort(HalfFloats.floatToFloat16(chunk[i]));
                    case INT8 -> bytes.put(int8(chunk[i]));
                    default -> bytes.putShort(HalfFloats.floatToBfloat16(chunk[i]));
                }
            }
            bytes.flip();
            if (checksum != null) {
                checksum.update(bytes.duplicate());
            }
            if (channel == null) {
                at += bytes.remaining();
                continue;
            }
            while (bytes.hasRemaining()) {
                at += channel.write(bytes, at);
            }
        }
        return at - position;
    }

    /** A quantized value as a byte; anything but a whole number in [-128, 127] is a bug of the quantizer. */
    static byte int8(float value) {
        if (value != Math.rint(value) || value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("int8 weight value " + value + " is not a whole number in [-128, 127]");
        }
        return (byte) value;
    }
}
