package dev.flashvsr.engine.tensorrt.runtime;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A serialized engine (plan) as a region of an open file, never as one Java array: FlashVSR's DiT
 * plan is larger than the 2 GiB an array or a {@link ByteBuffer} holds, so it is read and written
 * in windows. Closing releases the file, and deletes it when the plan owns it (an engine built
 * outside the engine cache).
 */
public final class EnginePlan implements AutoCloseable {
    /** Bytes per window: below the 2 GiB a ByteBuffer holds, large enough that system calls do not matter. */
    static final int WINDOW_BYTES = 1 << 30;
    /** Bytes per digest read: the digest consumes the window at once, so a small buffer is enough. */
    private static final int DIGEST_BYTES = 1 << 20;

    /** Where a window of a plan lies in memory. */
    @FunctionalInterface
    public interface Windows {
        /** A buffer of exactly {@code bytes} remaining, for the plan bytes from {@code position} on. */
        ByteBuffer window(long position, int bytes);
    }

    private interface WindowAction {
        void accept(long position, ByteBuffer window) throws IOException;
    }

    private final Path file;
    private final FileChannel channel;
    private final long offset;
    private final long length;
    private final boolean temporary;

    private EnginePlan(Path file, FileChannel channel, long offset, long length, boolean temporary) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("engine plan in " + file + ": offset " + offset + " and length "
                    + length + " must not be negative");
        }
        this.file = file;
        this.channel = channel;
        this.offset = offset;
        this.length = length;
        this.temporary = temporary;
    }

    /** The {@code length} bytes at {@code offset} of {@code file}, read through {@code channel} (the plan closes it). */
    public static EnginePlan region(Path file, FileChannel channel, long offset, long length) {
        return new EnginePlan(file, channel, offset, length, false);
    }

    /** The whole of {@code file}, read through {@code channel}; closing the plan deletes the file. */
    public static EnginePlan temporary(Path file, FileChannel channel) throws IOException {
        return new EnginePlan(file, channel, 0, channel.size(), true);
    }

    /** Opens the {@code length} bytes at {@code offset} of {@code file} for reading. */
    public static EnginePlan open(Path file, long offset, long length) throws IOException {
        return region(file, FileChannel.open(file, StandardOpenOption.READ), offset, length);
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    /** The plan's size in bytes. */
    public long length() {
        return length;
    }

    /** Fills the buffers {@code windows} gives, window by window, with the whole plan. */
    public void readInto(Windows windows) throws IOException {
        readInto(windows, WINDOW_BYTES);
    }

    void readInto(Windows windows, int windowBytes) throws IOException {
        forEachWindow(length, windowBytes, windows, this::readFully);
    }

    /** Feeds the whole plan to {@code digest}. */
    public void digest(MessageDigest digest) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(DIGEST_BYTES);
        forEachWindow(length, DIGEST_BYTES, (position, bytes) -> buffer.clear().limit(bytes), (position, window) -> {
            readFully(position, window);
            digest.update(window.flip());
        });
    }

    /**
     * Writes {@code length} bytes of memory, which {@code windows} shows window by window, to
     * {@code out}: how a plan in native memory (TensorRT's) reaches a file without a Java copy.
     */
    public static void write(long length, Windows windows, WritableByteChannel out) throws IOException {
        write(length, windows, out, WINDOW_BYTES);
    }

    static void write(long length, Windows windows, WritableByteChannel out, int windowBytes) throws IOException {
        forEachWindow(length, windowBytes, windows, (position, window) -> {
            while (window.hasRemaining()) {
                out.write(window);
            }
        });
    }

    private static void forEachWindow(long length, int windowBytes, Windows windows, WindowAction action)
            throws IOException {
        for (long position = 0; position < length; position += windowBytes) {
            int bytes = (int) Math.min(windowBytes, length - position);
            ByteBuffer window = windows.window(position, bytes);
            if (window.remaining() != bytes) {
                throw new IllegalStateException("a plan window at " + position + " has " + window.remaining()
                        + " bytes, not " + bytes);
            }
            action.accept(position, window);
        }
    }

    /** Positional reads: they leave the channel's position alone, so a plan has no read cursor to share. */
    private void readFully(long position, ByteBuffer window) throws IOException {
        long at = offset + position;
        while (window.hasRemaining()) {
            int read = channel.read(window, at);
            if (read < 0) {
                throw new EOFException("the engine plan " + file + " ends at byte " + at + ", before its " + length
                        + " bytes from byte " + offset + " (the file was truncated); delete it so that it is rebuilt");
            }
            at += read;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // the plan is only read through the channel: closing it loses nothing
        }
        if (temporary) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the engine is in use elsewhere or the folder changed: try once more when Java exits
                file.toFile().deleteOnExit();
            }
        }
    }

    @Override
    public String toString() {
        return "engine plan of " + length + " bytes at byte " + offset + " of " + file;
    }
}
