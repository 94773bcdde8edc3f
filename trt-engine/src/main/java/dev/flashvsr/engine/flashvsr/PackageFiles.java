package dev.flashvsr.engine.flashvsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.flashvsr.link.FileRecord;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The records a package's manifest keeps of its release files, written at import and checked at
 * every open, since a package imported with {@code --link} shares its files with the release and a
 * change there (a re-download, an edit) must not run silently:
 *
 * <pre>"files": {"LQ_proj_in.ckpt": {"size": 918509, "sha256": "...",
 *                               "modified": "2025-01-01T12:00:00.123456789Z"}, ...}</pre>
 *
 * A file whose size differs is refused at once; one with the recorded size but another
 * modification time is hashed again (seconds for the 5.7 GB DiT) and refused if its digest
 * differs. Packages imported before records existed have no {@code files} and are not checked.
 */
final class PackageFiles {
    static final String KEY = "files";
    /** The files a package may hold, in the order they are recorded and keyed. */
    static final List<String> NAMES = List.of(FlashVsrRelease.DIT_FILE, FlashVsrRelease.LQ_PROJ_FILE,
            FlashVsrRelease.TC_DECODER_FILE, FlashVsrRelease.PROMPT_FILE, FlashVsrRelease.CONFIG_FILE);

    private static final System.Logger LOG = System.getLogger(PackageFiles.class.getName());
    private static final String FIX_MANIFEST = "Fix the manifest or re-import";
    private static final String REIMPORT = "Re-import the release with flashvsr import, or put the imported file back";

    private final Path folder;
    /** In {@link #NAMES} order; null for a package from before records. */
    private final List<FileRecord> records;

    private PackageFiles(Path folder, List<FileRecord> records) {
        this.folder = folder;
        this.records = records;
    }

    /**
     * The records of {@code manifest} (the parsed {@code root}): every record names a release file
     * the package holds, every release file the package holds has one, and each value has its type.
     */
    static PackageFiles read(Path folder, Path manifest, JsonNode root) throws EngineException {
        JsonNode files = root.get(KEY);
        if (files == null) {
            return new PackageFiles(folder, null);
        }
        if (!files.isObject()) {
            throw invalid(manifest, KEY + " must be an object of file name -> {size, sha256, modified}, not " + files);
        }
        for (Iterator<String> names = files.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!NAMES.contains(name)) {
                throw invalid(manifest, KEY + " names '" + name + "', which is not a file of a FlashVSR package "
                        + NAMES);
            }
        }
        List<FileRecord> records = new ArrayList<>();
        for (String name : NAMES) {
            boolean held = Files.exists(folder.resolve(name), LinkOption.NOFOLLOW_LINKS);
            JsonNode record = files.get(name);
            if (record != null && !held) {
                throw invalid(manifest, KEY + " records " + name + ", which the package lacks");
            }
            if (record == null && held) {
                throw invalid(manifest, "the package holds " + name + " but " + KEY + " has no record of it");
            }
            if (record != null) {
                records.add(record(manifest, name, record));
            }
        }
        return new PackageFiles(folder, List.copyOf(records));
    }

    private static FileRecord record(Path manifest, String name, JsonNode record) throws EngineException {
        String where = KEY + "[\"" + name + "\"]";
        if (!record.isObject()) {
            throw invalid(manifest, where + " must be an object {size, sha256, modified}, not " + record);
        }
        JsonNode size = record.path("size");
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
            throw invalid(manifest, where + ".size must be a whole number of bytes, 0 or more, not " + size);
        }
        JsonNode sha256 = record.path("sha256");
        if (!sha256.isTextual() || !Sha256.isDigest(sha256.textValue())) {
            throw invalid(manifest, where + ".sha256 must be 64 lowercase hex digits, not " + sha256);
        }
        JsonNode modified = record.path("modified");
        Instant time = modified.isTextual() ? instant(modified.textValue()) : null;
        if (time == null) {
            throw invalid(manifest, where + ".modified must be a time such as 2025-01-01T12:00:00Z, not " + modified);
        }
        return new FileRecord(name, size.longValue(), sha256.textValue(), time);
    }

    /** The ISO-8601 instant {@code text} names, or null. */
    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static EngineException invalid(Path manifest, String problem) {
        return new EngineException(manifest + ": " + problem, FIX_MANIFEST);
    }

    /**
     * Whether every file is recorded: then, once {@link #verify} passed, the files are those that
     * import validated (their values included), so they need no second scan.
     */
    boolean recorded() {
        return records != null;
    }

    /**
     * Refuses a recorded file that changed since import, naming it: another size at once, the same
     * size with another modification time after hashing it again.
     */
    void verify() throws EngineException {
        if (records == null) {
            return;
        }
        for (FileRecord record : records) {
            Path path = folder.resolve(record.file());
            try {
                Path real = ModelFiles.regularFileInside(path, folder); // never hash a FIFO or a file elsewhere
                BasicFileAttributes now = Files.readAttributes(real, BasicFileAttributes.class);
                if (now.size() != record.size()) {
                    throw new EngineException(path + " changed after import: " + now.size()
                            + " bytes, the package recorded " + record.size(), REIMPORT);
                }
                Instant modified = now.lastModifiedTime().toInstant();
                if (!modified.equals(record.modified())) {
                    checkContent(path, real, record, modified);
                }
            } catch (IOException e) {
                throw new EngineException("cannot check " + path + " against the manifest: " + e.getMessage(),
                        "Write the package with flashvsr import", e);
            }
        }
    }

    private static void checkContent(Path path, Path real, FileRecord record, Instant modified)
            throws IOException, EngineException {
        LOG.log(System.Logger.Level.INFO, "{0} was modified at {1}, the package recorded {2}: checking its "
                + "SHA-256 ({3} bytes)", path, modified, record.modified(), record.size());
        String sha256 = Sha256.of(real, line -> LOG.log(System.Logger.Level.INFO, line.strip()));
        if (!sha256.equals(record.sha256())) {
            throw new EngineException(path + " changed after import: same size, but modified at " + modified
                    + " and its SHA-256 is " + sha256 + ", the package recorded " + record.sha256(), REIMPORT);
        }
        LOG.log(System.Logger.Level.INFO, "{0} is as imported (same SHA-256); it is hashed again at every open "
                + "until the package is re-imported", path);
    }

    /**
     * One line per file for the package's content key: its recorded digest, or for a package from
     * before records its size and modification time now.
     */
    List<String> identity() throws EngineException {
        List<String> lines = new ArrayList<>();
        if (records != null) {
            for (FileRecord record : records) {
                lines.add(record.file() + " sha256 " + record.sha256());
            }
            return lines;
        }
        for (String name : NAMES) {
            Path path = folder.resolve(name);
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
                    lines.add(name + " size " + now.size() + " modified " + now.lastModifiedTime().toInstant());
                } catch (IOException e) {
                    throw new EngineException("cannot read the attributes of " + path + ": " + e.getMessage(),
                            "Check the package's permissions", e);
                }
            }
        }
        return lines;
    }

    /** Adds the records to a manifest being written. */
    static void write(ObjectNode root, List<FileRecord> records) {
        ObjectNode files = root.putObject(KEY);
        for (FileRecord record : records) {
            files.putObject(record.file()).put("size", record.size()).put("sha256", record.sha256())
                    .put("modified", record.modified().toString());
        }
    }
}
