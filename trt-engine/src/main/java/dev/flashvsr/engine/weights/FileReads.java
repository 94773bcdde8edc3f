package dev.flashvsr.engine.weights;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Reads of a byte range of a file by position, in pieces of at most {@code maxRead} bytes. Not a
 * memory mapping: the pages read stay in the page cache, not in this process's resident memory,
 * so reading weights to check or convert them does not count them again beside the runtime's
 * own mapping. Positions are relative to the start of the range. Safe for concurrent reads
 * (positional reads only).
 */
final class FileReads {
    private static final int COPY_BLOCK = 1 << 16;

    private final FileChannel channel;
    private final long start;
    private final long size;
    private final int maxRead;

    FileReads(FileChannel channel, long start, long size, int maxRead) {
        if (maxRead < 1) {
            throw new IllegalArgumentException("read size must be positive");
        }
        this.channel = channel;
        this.start = start;
        this.size = size;
        this.maxRead = maxRead;
    }

    long size() {
        return size;
    }

    /** Copies {@code length} bytes at {@code position} into {@code destination}. */
    void copyBytes(long position, byte[] destination, int destinationOffset, int length) {
        if (position < 0 || length < 0 || position > size - length) {
            throw new IndexOutOfBoundsException("bytes [" + position + ", " + (position + length)
                    + ") outside the " + size + " bytes of the file range");
        }
        int written = 0;
        try {
            while (written < length) {
                int n = Math.min(length - written, maxRead);
                ByteBuffer target = ByteBuffer.wrap(destination, destinationOffset + written, n);
                while (target.hasRemaining()) {
                    int read = channel.read(target, start + position + written + (n - target.remaining()));
                    if (read < 0) {
                        throw new UncheckedIOException(new EOFException("the file ended at " + (start + position
                                + written + n - target.remaining()) + " bytes; it changed since it was opened"));
                    }
                }
                written += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
