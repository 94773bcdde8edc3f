package dev.flashvsr.engine.tensorrt.cache;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The exclusive right to build one engine file: a lock inside this process (Java refuses a second
 * file lock on one file from the same JVM) and then a file lock on {@code <file>.lock} against
 * other processes. Both are polled, so a waiter can report every few seconds and stops waiting
 * when its thread is interrupted. Lock files stay: deleting one would let a waiter lock a file
 * that a newcomer no longer sees.
 */
final class EngineLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 50;

    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock lock;

    private EngineLock(ReentrantLock local, FileChannel channel, FileLock lock) {
        this.local = local;
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock of {@code engine}, reporting through {@code listener} every {@code reportEvery}. */
    static EngineLock acquire(Path engine, CacheListener listener, Duration reportEvery)
            throws IOException, InterruptedException {
        Path lockFile = lockFileOf(engine);
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        long start = System.nanoTime();
        long nextReport = start + reportEvery.toNanos();
        while (!local.tryLock(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            nextReport = report(engine, listener, reportEvery, start, nextReport);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            while ((lock = channel.tryLock()) == null) {
                Thread.sleep(POLL_MILLIS);
                nextReport = report(engine, listener, reportEvery, start, nextReport);
            }
            return new EngineLock(local, channel, lock);
        } catch (ClosedByInterruptException e) {
            close(channel);
            local.unlock();
            throw new InterruptedException("interrupted while locking " + lockFile);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            close(channel);
            local.unlock();
            throw e;
        }
    }

    static Path lockFileOf(Path engine) {
        return engine.resolveSibling(engine.getFileName() + ".lock");
    }

    private static long report(Path engine, CacheListener listener, Duration every, long start, long nextReport) {
        long now = System.nanoTime();
        if (now < nextReport) {
            return nextReport;
        }
        listener.progress("waiting for another process building " + engine + " ("
                + TimeUnit.NANOSECONDS.toSeconds(now - start) + " s so far)");
        return now + every.toNanos();
    }

    private static void close(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing releases the lock; nothing else to undo
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        close(channel);
        local.unlock();
    }
}
