package dev.flashvsr.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A command that writes its output through {@link InterruptibleWrite} until it is interrupted,
 * like {@code import} copying a large checkpoint: tests run it as a process and send it SIGINT.
 * Arguments: the destination folder.
 */
public final class InterruptibleWriteMain {
    /** Printed once writing has started: the moment to send the signal. */
    static final String WRITING = "writing";
    /** Written at most (at most 400 KB/s), so that a broken interrupt cannot fill the disk. */
    private static final long LIMIT_BYTES = 64L << 20;
    private static final int CHUNK_BYTES = 4096;
    private static final long PAUSE_NANOS = 10_000_000;

    private InterruptibleWriteMain() {
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        Path destination = Path.of(args[0]);
        CountDownLatch writing = new CountDownLatch(1);
        Thread announcer = new Thread(() -> {
            try {
                writing.await();
                err.println(WRITING);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        announcer.setDaemon(true);
        announcer.start();
        int code = InterruptibleWrite.run(destination, false, err, target -> {
            java.nio.file.Files.createDirectories(target);
            writeUntilInterrupted(target.resolve("checkpoint.bin"), writing);
        });
        System.exit(code);
    }

    /**
     * Writes {@code file} slowly through a FileChannel (interruptible, unlike the JDK 17 streams of
     * {@code Files}) until the thread is interrupted (ClosedByInterruptException) or
     * {@link #LIMIT_BYTES} are written.
     */
    static void writeUntilInterrupted(Path file, CountDownLatch writing) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
            for (long written = 0; written < LIMIT_BYTES; written += CHUNK_BYTES) {
                chunk.clear();
                channel.write(chunk);
                writing.countDown();
                // Returns at once when interrupted, leaving the interrupt to the next write.
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
    }
}
