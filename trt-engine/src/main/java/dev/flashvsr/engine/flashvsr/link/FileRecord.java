package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What a package recorded about one of its files when it was imported, to tell at every open
 * whether the file changed since.
 *
 * @param file     the file's name in the package
 * @param size     its size in bytes
 * @param sha256   the SHA-256 of its content, as {@link Sha256} writes it
 * @param modified its modification time
 */
public record FileRecord(String file, long size, String sha256, Instant modified) {

    /**
     * The record of {@code placed}, a file that others may write (a hard link shares the
     * release's file): size and time are read before the content, so a change while it is being
     * hashed leaves a newer time than recorded and is caught at open.
     */
    static FileRecord hashing(Path placed, Consumer<String> progress) throws IOException {
        BasicFileAttributes before = Files.readAttributes(placed, BasicFileAttributes.class);
        String sha256 = Sha256.of(placed, progress);
        return new FileRecord(placed.getFileName().toString(), before.size(), sha256,
                before.lastModifiedTime().toInstant());
    }

    /** The record of {@code written}, a file only this import writes, whose content hashed to {@code sha256}. */
    static FileRecord written(Path written, String sha256) throws IOException {
        BasicFileAttributes after = Files.readAttributes(written, BasicFileAttributes.class);
        return new FileRecord(written.getFileName().toString(), after.size(), sha256,
                after.lastModifiedTime().toInstant());
    }
}
