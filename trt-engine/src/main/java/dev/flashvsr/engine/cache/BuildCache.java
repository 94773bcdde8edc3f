package dev.flashvsr.engine.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A folder of build results (graphs and their weights for one frame size and precision; TensorRT
 * engines beside them), one entry per key, so that what took minutes to build is built once:
 * <ul>
 *   <li>an entry is built in a {@code <key>.partial-*} folder and renamed into place in one step
 *       after its files are on disk, so a failed build (a full disk, an interrupt, a crash)
 *       leaves no entry;
 *   <li>{@code <key>.lock} (a file lock, and a lock inside this process) keeps two builders of
 *       one key apart: the second waits and then uses the first one's entry;
 *   <li>{@value #ENTRY_FILE} lists every file of the entry with its size and CRC-32C, checked
 *       on every use; a damaged entry is rebuilt with a warning;
 *   <li>a cache folder that cannot be written is replaced by a temporary folder, with a warning,
 *       deleted when the entry is closed.
 * </ul>
 */
public final class BuildCache {
    public static final String ENTRY_FILE = "entry.json";
    private static final String FORMAT = "flashvsr-cache-entry/1";
    private static final String PARTIAL = ".partial-";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Writes an entry's files into an empty folder. */
    @FunctionalInterface
    public interface Builder {
        void build(Path folder) throws IOException, EngineException;
    }

    /** A usable entry; closing it deletes it when it was built in a temporary folder. */
    public record Entry(Path folder, boolean built, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                deleteTree(folder.getParent());
            }
        }
    }

    private final Path root;
    private final Consumer<String> warnings;

    /** @param warnings receives what users should know: a damaged entry, an unwritable folder */
    public BuildCache(Path root, Consumer<String> warnings) {
        this.root = root;
        this.warnings = warnings;
    }

    public Path root() {
        return root;
    }

    /** Whether a complete entry for {@code key} is there (not checked further). */
    public boolean has(String key) {
        return Files.isRegularFile(root.resolve(key).resolve(ENTRY_FILE), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The entry for {@code key}: the cached one when it is intact, else one built now with
     * {@code builder}.
     *
     * @param what names the entry in messages ("FlashVSR graphs for 128x128")
     */
    public Entry entry(String key, String what, Builder builder) throws EngineException {
        try {
            Files.createDirectories(root);
            if (!Files.isWritable(root)) {
                throw new IOException("not writable");
            }
        } catch (IOException e) {
            return temporaryEntry(key, what, builder, e.getMessage());
        }
        Path lockFile = root.resolve(key + ".lock");
        ReentrantLock local = LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            Path folder = root.resolve(key);
            if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                String problem = problemWith(folder);
                if (problem == null) {
                    return new Entry(folder, false, false);
                }
                warnings.accept("the cached " + what + " in " + folder + " " + problem + "; building them again");
                deleteTree(folder);
            }
            removePartials(key);
            Path partial = Files.createTempDirectory(root, key + PARTIAL);
            try {
                builder.build(partial);
                seal(partial, key, what);
                Files.move(partial, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | EngineException | RuntimeException | Error e) {
                deleteTree(partial);
                throw e;
            }
            return new Entry(folder, true, false);
        } catch (IOException e) {
            throw new EngineException("cannot write the " + what + " to the cache folder " + root + ": "
                    + e.getMessage(), "Free disk space there, or set FLASHVSR_CACHE_DIR to a folder with room", e);
        } finally {
            local.unlock();
        }
    }

    /** Builds into a temporary folder, deleted when the entry is closed. */
    private Entry temporaryEntry(String key, String what, Builder builder, String reason) throws EngineException {
        Path temporary = null;
        try {
            temporary = Files.createTempDirectory("flashvsr-cache-");
            Path folder = Files.createDirectory(temporary.resolve(key));
            warnings.accept("the cache folder " + root + " cannot be written (" + reason + "): building the " + what
                    + " in " + temporary + ", which is deleted when the stream stops (set FLASHVSR_CACHE_DIR to a "
                    + "writable folder to keep them)");
            builder.build(folder);
            return new Entry(folder, true, true);
        } catch (IOException e) {
            deleteTree(temporary);
            throw new EngineException("cannot build the " + what + " in a temporary folder: " + e.getMessage(),
                    "Free disk space in " + System.getProperty("java.io.tmpdir"), e);
        } catch (EngineException | RuntimeException | Error e) {
            deleteTree(temporary);
            throw e;
        }
    }

    /** Writes {@value #ENTRY_FILE} listing the files with their sizes and checksums, flushed to disk. */
    private static void seal(Path folder, String key, String what) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("key", key);
        root.put("contents", what);
        root.put("created", Instant.now().toString());
        ObjectNode files = root.putObject("files");
        for (Map.Entry<String, Path> file : files(folder).entrySet()) {
            ObjectNode node = files.putObject(file.getKey());
            node.put("bytes", Files.size(file.getValue()));
            node.put("crc32c", Long.toHexString(crc32c(file.getValue())));
            force(file.getValue());
        }
        Path entry = folder.resolve(ENTRY_FILE);
        Files.write(entry, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        force(entry);
    }

    /** What is wrong with the entry in {@code folder}, or null when every file is as recorded. */
    static String problemWith(Path folder) {
        try {
            JsonNode root = JSON.readTree(ModelFiles.readBounded(
                    ModelFiles.regularFileInside(folder.resolve(ENTRY_FILE), folder), 1 << 20, "a cache entry"));
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                return "has no valid " + ENTRY_FILE;
            }
            JsonNode listed = root.path("files");
            Map<String, Path> present = files(folder);
            for (Iterator<String> names = listed.fieldNames(); names.hasNext();) {
                String name = names.next();
                Path file = present.remove(name);
                if (file == null) {
                    return "lacks " + name;
                }
                long bytes = listed.path(name).path("bytes").asLong(-1);
                if (Files.size(file) != bytes) {
                    return "has " + name + " of " + Files.size(file) + " bytes, not " + bytes;
                }
                if (!Long.toHexString(crc32c(file)).equals(listed.path(name).path("crc32c").asText())) {
                    return "has a damaged " + name + " (checksum mismatch)";
                }
            }
            return present.isEmpty() ? null : "has unlisted files " + present.keySet();
        } catch (IOException | UncheckedIOException e) {
            return "cannot be read (" + e.getMessage() + ")";
        }
    }

    /** The entry's files (not entry.json) by name; subfolders and links are refused. */
    private static Map<String, Path> files(Path folder) throws IOException {
        Map<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> list = Files.newDirectoryStream(folder)) {
            for (Path file : list) {
                String name = file.getFileName().toString();
                if (name.equals(ENTRY_FILE)) {
                    continue;
                }
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(file + " is not a regular file");
                }
                files.put(name, file);
            }
        }
        return files;
    }

    private static long crc32c(Path file) throws IOException {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return crc.getValue();
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Folders of builds that died: only a lock holder may remove them. */
    private void removePartials(String key) throws IOException {
        try (DirectoryStream<Path> list = Files.newDirectoryStream(root, key + PARTIAL + "*")) {
            for (Path partial : list) {
                deleteTree(partial);
            }
        }
    }

    /** Deletes {@code folder} and everything in it, as far as it can; what cannot be deleted stays. */
    public static void deleteTree(Path folder) {
        if (folder == null || !Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the next lock holder's cleanup
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
