package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A command's output (a file or a folder) written first under a hidden staging folder beside its
 * destination, {@code .NAME.flashvsr-XXXXXXXX.part/NAME}, and renamed into place only once it is
 * complete. Being in the destination's own folder makes that rename atomic (same filesystem), so
 * whatever was at the destination stays untouched until then, and a failed or interrupted command
 * leaves nothing behind: {@link #close()} deletes the staging folder unless it was committed.
 * <p>
 * Thread-safe: a shutdown hook may {@link #close()} it while the command's thread still works;
 * after that a {@code commit} fails instead of moving a half-written output into place.
 */
final class StagedOutput implements AutoCloseable {
    /** Longest NAME (UTF-8 bytes) kept in the staging folder's name; file names end at 255 bytes. */
    private static final int MAX_NAME_IN_STAGING = 100;
    private static final int NAME_ATTEMPTS = 100;

    private final Path destination;
    private final Path stagingFolder;
    private boolean finished;
    private boolean committed;

    private StagedOutput(Path destination, Path stagingFolder) {
        this.destination = destination;
        this.stagingFolder = stagingFolder;
    }

    /**
     * Creates the staging folder beside {@code destination}, whose parent folder must exist.
     *
     * @throws IOException when the parent folder cannot be written
     */
    static StagedOutput beside(Path destination) throws IOException {
        String name = destination.getFileName().toString();
        String shownName = name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_IN_STAGING ? "." + name + "." : ".";
        for (int attempt = 0; ; attempt++) {
            String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            Path staging = destination.resolveSibling(shownName + "flashvsr-" + random + ".part");
            try {
                return new StagedOutput(destination, Files.createDirectory(staging));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == NAME_ATTEMPTS) {
                    throw taken;
                }
            } catch (IOException e) {
                throw new IOException("cannot create a temporary folder in " + staging.getParent() + " ("
                        + ErrorText.describe(e) + ")", e);
            }
        }
    }

    /** Where the command writes its output: a path inside the staging folder, not yet created. */
    Path path() {
        return stagingFolder.resolve(destination.getFileName().toString());
    }

    Path destination() {
        return destination;
    }

    /**
     * Renames the written output to the destination. A file replaces whatever is there, the way
     * {@code mv} does: a symbolic link at the destination is replaced itself, the file it points
     * to is left alone. A folder is only moved to a destination that does not exist.
     *
     * @throws IOException when the output was not written, the staging was discarded (Ctrl-C) or
     *                     the rename fails; the destination is then unchanged
     */
    synchronized void commit() throws IOException {
        Path written = checkWritten();
        if (Files.isDirectory(written, LinkOption.NOFOLLOW_LINKS)) {
            // Without ATOMIC_MOVE the move refuses an existing destination; rename(2) would replace an empty folder.
            Files.move(written, destination);
        } else {
            Files.move(written, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
        finish();
    }

    /**
     * Commits a written folder into a destination folder that may already exist and hold other
     * files: each written entry replaces its namesake there, one atomic rename each. When the
     * destination does not exist, this is {@link #commit()}.
     */
    synchronized void commitInto() throws IOException {
        Path written = checkWritten();
        if (!Files.exists(destination, LinkOption.NOFOLLOW_LINKS)) {
            commit();
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(written)) {
            for (Path entry : entries) {
                Files.move(entry, destination.resolve(entry.getFileName().toString()),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        committed = true;
        finish();
    }

    /** Whether the output was moved into place. */
    synchronized boolean committed() {
        return committed;
    }

    private Path checkWritten() throws IOException {
        if (finished) {
            throw new IOException("the output for " + destination + " was discarded (interrupted)");
        }
        Path written = path();
        if (!Files.exists(written, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(written.toString(), null, "nothing was written");
        }
        return written;
    }

    /** Deletes the staging folder and whatever is in it, unless already committed or discarded. */
    @Override
    public synchronized void close() {
        if (!finished) {
            finish();
        }
    }

    private void finish() {
        finished = true;
        try {
            deleteRecursively(stagingFolder);
        } catch (IOException e) {
            System.err.println("flashvsr: warning: could not delete the temporary folder " + stagingFolder + ": "
                    + e.getMessage());
        }
    }

    /** Deletes a tree without following symbolic links inside it. */
    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
