package dev.flashvsr.engine.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only memory mapping of a byte range of a file, split into chunks because one
 * {@link MappedByteBuffer} cannot exceed 2^31 - 1 bytes. Mapping reserves address space only:
 * pages are read on access, so multi-GB weight files never pass through the heap. Positions are
 * relative to the start of the range. Safe for concurrent reads (only absolute gets are used).
 */
final class ChunkedMapping {
    private static final int COPY_BLOCK = 1 << 16;

    private final long size;
    private final int chunkSize;
    private final MappedByteBuffer[] chunks;

    ChunkedMapping(FileChannel channel, long start, long size, int chunkSize) throws IOException {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be positive");
        }
        this.size = size;
        this.chunkSize = chunkSize;
        int count = (int) ((size + chunkSize - 1) / chunkSize);
        this.chunks = new MappedByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long begin = (long) i * chunkSize;
            long length = Math.min(chunkSize, size - begin);
            chunks[i] = channel.map(FileChannel.MapMode.READ_ONLY, start + begin, length);
        }
    }

    long size() {
        return size;
    }

    int chunkCount() {
        return chunks.length;
    }

    /** Copies {@code length} bytes at {@code position} into {@code destination}, across chunk boundaries. */
    void copyBytes(long position, byte[] destination, int destinationOffset, int length) {
        if (position < 0 || length < 0 || position > size - length) {
            throw new IndexOutOfBoundsException("bytes [" + position + ", " + (position + length)
                    + ") outside the mapped " + size + " bytes");
        }
        int written = 0;
        while (written < length) {
            long at = position + written;
            int chunk = (int) (at / chunkSize);
            int within = (int) (at % chunkSize);
            int n = Math.min(length - written, chunks[chunk].limit() - within);
            chunks[chunk].get(within, destination, destinationOffset + written, n);
            written += n;
        }
    }

    /**
     * Decodes {@code count} consecutive little-endian elements of {@code dtype} starting at
     * {@code position} into {@code out[offset ..]} as floats (exact for F16 and BF16).
     */
    void readFloats(long position, DType dtype, float[] out, int offset, int count) {
        if (!dtype.readableAsFloat()) {
            throw new IllegalArgumentException("not a float type: " + dtype);
        }
        int elementSize = dtype.size();
        byte[] block = new byte[Math.min(COPY_BLOCK, Math.max(elementSize, count * elementSize))];
        ByteBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        int perBlock = block.length / elementSize;
        int done = 0;
        while (done < count) {
            int n = Math.min(perBlock, count - done);
            copyBytes(position + (long) done * elementSize, block, 0, n * elementSize);
            decode(dtype, view, out, offset + done, n);
            done += n;
        }
    }

    /**
     * The index of the first of {@code count} elements at {@code position} that is NaN or infinite,
     * or -1; reads through a small block, so any tensor costs one pass and no heap.
     */
    long firstNonFinite(long position, DType dtype, long count) {
        float[] block = new float[(int) Math.min(count, COPY_BLOCK)];
        for (long done = 0; done < count; done += block.length) {
            int n = (int) Math.min(block.length, count - done);
            readFloats(position + done * dtype.size(), dtype, block, 0, n);
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(block[i])) {
                    return done + i;
                }
            }
        }
        return -1;
    }

    private static void decode(DType dtype, ByteBuffer view, float[] out, int offset, int n) {
        switch (dtype) {
            case F32 -> {
                view.clear();
                view.asFloatBuffer().get(out, offset, n);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.float16ToFloat(view.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = HalfFloats.bfloat16ToFloat(view.getShort(2 * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[offset + i] = (float) view.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("not a float type: " + dtype);
        }
    }
}
