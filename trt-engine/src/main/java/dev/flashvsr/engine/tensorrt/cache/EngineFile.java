package dev.flashvsr.engine.tensorrt.cache;

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
 * An engine file: a header (magic, format version, the key's canonical text, payload length,
 * payload SHA-256) and the serialized engine. The header lets a load tell a whole, matching
 * engine from a truncated, damaged or misplaced one before TensorRT sees it.
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

    /** The payload of {@code file}, or null when there is no such file. */
    static byte[] read(Path file, EngineKey key) throws Unusable {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
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
            if (length > Integer.MAX_VALUE - 8) {
                throw new Unusable("holds an engine of " + length + " bytes, more than a Java array holds");
            }
            byte[] payload = readFully(channel, (int) length);
            if (!MessageDigest.isEqual(expectedHash, GraphDigest.sha256().digest(payload))) {
                throw new Unusable("is damaged: its engine bytes do not match the SHA-256 in its header");
            }
            return payload;
        } catch (NoSuchFileException e) {
            return null;
        } catch (EOFException e) {
            throw new Unusable("is truncated inside its header");
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return null; // e.g. "Not a directory": the folder's own problem, reported by the cache
            }
            throw new Unusable("cannot be read (" + e + ")");
        }
    }

    /**
     * Writes {@code payload} to a temporary file beside {@code target}, flushes it to disk and
     * renames it over {@code target} in one step, so readers see the old file or the whole new one.
     * The temporary file is deleted when anything fails.
     */
    static void write(Path target, EngineKey key, byte[] payload) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), target.getFileName() + ".", TEMP_SUFFIX);
        try {
            // createTempFile makes owner-only files; an engine folder may be shared (built ahead of time for others)
            if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(channel, header(key, payload));
                writeFully(channel, ByteBuffer.wrap(payload));
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        syncFolder(target.getParent());
    }

    private static ByteBuffer header(EngineKey key, byte[] payload) {
        byte[] keyText = key.canonicalText().getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 2 * Integer.BYTES + keyText.length + Long.BYTES + HASH_BYTES);
        header.put(MAGIC).putInt(VERSION).putInt(keyText.length).put(keyText).putLong(payload.length)
                .put(GraphDigest.sha256().digest(payload));
        return header.flip();
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

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
