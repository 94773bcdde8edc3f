package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.tensorrt.runtime.EnginePlan;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;

/**
 * An engine file: a header (magic, format version, the key's canonical text, payload length as a
 * long, payload SHA-256) and the serialized engine. The header lets a load tell a whole, matching
 * engine from a truncated, damaged or misplaced one before TensorRT sees it. The engine is only
 * ever streamed (it may exceed 2 GiB): hashed while it is written, and read where it lies.
 */
final class EngineFile {
    static final byte[] MAGIC = "FVSRTRTE".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final int MAX_KEY_BYTES = 1 << 20;
    private static final int HASH_BYTES = 32;
    static final String TEMP_SUFFIX = ".tmp";

    /** Why a file cannot be used; the message completes "the cached engine FILE ...". */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    private EngineFile() {
    }

    /**
     * The engine in {@code file}, checked against its header (key, length, SHA-256), as a plan
     * that reads the engine bytes from the file itself; null when there is no such file.
     */
    static EnginePlan read(Path file, EngineKey key) throws Unusable {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return null; // e.g. "Not a directory": the folder's own problem, reported by the cache
            }
            throw new Unusable("cannot be read (" + e + ")");
        }
        try {
            return verified(file, channel, key);
        } catch (EOFException e) {
            close(channel);
            throw new Unusable("is truncated inside its header");
        } catch (IOException e) {
            close(channel);
            throw new Unusable("cannot be read (" + e + ")");
        } catch (Unusable | RuntimeException | Error e) {
            close(channel);
            throw e;
        }
    }

    private static EnginePlan verified(Path file, FileChannel channel, EngineKey key) throws IOException, Unusable {
        long size = channel.size();
        byte[] magic = readFully(channel, MAGIC.length);
        if (!MessageDigest.isEqual(magic, MAGIC)) {
            throw new Unusable("is not a flashvsr engine file (wrong magic)");
        }
        int version = readFully(channel, Integer.BYTES, ByteBuffer::getInt);
        if (version != VERSION) {
            throw new Unusable("has format version " + version + ", not " + VERSION);
        }
        int keyLength = readFully(channel, Integer.BYTES, ByteBuffer::getInt);
        if (keyLength < 0 || keyLength > MAX_KEY_BYTES) {
            throw new Unusable("has a damaged header (key length " + keyLength + ")");
        }
        String storedKey = new String(readFully(channel, keyLength), StandardCharsets.UTF_8);
        if (!storedKey.equals(key.canonicalText())) {
            throw new Unusable("holds an engine for another key (" + firstDifference(storedKey, key.canonicalText()) + ")");
        }
        long length = readFully(channel, Long.BYTES, ByteBuffer::getLong);
        byte[] expectedHash = readFully(channel, HASH_BYTES);
        long present = size - channel.position();
        if (length != present) {
            throw new Unusable((present < length ? "is truncated" : "has trailing bytes") + ": the header says "
                    + length + " engine bytes, the file holds " + present);
        }
        EnginePlan plan = EnginePlan.region(file, channel, channel.position(), length);
        MessageDigest digest = GraphDigest.sha256();
        plan.digest(digest);
        if (!MessageDigest.isEqual(expectedHash, digest.digest())) {
            throw new Unusable("is damaged: its engine bytes do not match the SHA-256 in its header");
        }
        return plan;
    }

    /** What a builder writes into an engine file. */
    @FunctionalInterface
    interface Content {
        void writeTo(PlanOutput plan) throws EngineException, IOException;
    }

    /**
     * Writes the header and then {@code content}'s plan to a temporary file beside {@code target},
     * fills in the plan's length and SHA-256, flushes it to disk and renames it over {@code target}
     * in one step, so readers see the old file or the whole new one. The temporary file is deleted
     * when anything fails.
     *
     * @return the plan, read from the file just written
     */
    static EnginePlan write(Path target, EngineKey key, Content content) throws EngineException, IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", TEMP_SUFFIX);
        FileChannel channel = null;
        try {
            // createTempFile makes owner-only files; an engine folder may be shared (built ahead of time for others)
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            byte[] keyText = key.canonicalText().getBytes(StandardCharsets.UTF_8);
            // length and hash are known once the plan is written: placeholders now, filled in below
            writeFully(channel, header(keyText), 0);
            long planStart = channel.size() + Long.BYTES + HASH_BYTES;
            channel.position(planStart);
            PlanOutput plan = new PlanOutput(channel);
            content.writeTo(plan);
            plan.close();
            writeFully(channel, ByteBuffer.allocate(Long.BYTES + HASH_BYTES).putLong(plan.written())
                    .put(plan.sha256()).flip(), planStart - Long.BYTES - HASH_BYTES);
            channel.force(true);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncFolder(target.getParent());
            return EnginePlan.region(target, channel, planStart, plan.written());
        } catch (IOException | EngineException | RuntimeException | Error e) {
            close(channel);
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** The header up to the key text; the plan's length and SHA-256 follow it. */
    private static ByteBuffer header(byte[] keyText) {
        return ByteBuffer.allocate(MAGIC.length + 2 * Integer.BYTES + keyText.length).put(MAGIC).putInt(VERSION)
                .putInt(keyText.length).put(keyText).flip();
    }

    private static void close(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing was written through it that matters: the file is dropped or was only read
        }
    }

    /** Makes the rename itself durable; some file systems refuse to sync a folder, which only costs durability. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // the engine is in place; a crash right now could at worst lose it, and it would be rebuilt
        }
    }

    private static String firstDifference(String stored, String expected) {
        String[] a = stored.split("\n");
        String[] b = expected.split("\n");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                return "file has " + a[i] + ", wanted " + b[i];
            }
        }
        return a.length < b.length ? "file lacks " + b[a.length] : "file has extra " + a[b.length];
    }

    private interface Field<T> {
        T get(ByteBuffer buffer);
    }

    private static <T> T readFully(FileChannel channel, int bytes, Field<T> field) throws IOException {
        return field.get(ByteBuffer.wrap(readFully(channel, bytes)));
    }

    private static byte[] readFully(FileChannel channel, int bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
        return buffer.array();
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        for (long at = position; buffer.hasRemaining();) {
            at += channel.write(buffer, at);
        }
    }
}
