package dev.flashvsr.engine.files;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules for every file a model package, a FlashVSR release or a setting names, applied before
 * anything is opened: only regular files are read (a FIFO would block the reader forever and a
 * device such as {@code /dev/zero} never ends), symbolic links are followed with loops reported as
 * loops, and small files are read with a size limit checked before and while reading.
 *
 * <p>Where links may point: a file of a model package must resolve to a path inside the package's
 * own folder ({@link #regularFileInside}), so a package cannot make the element read
 * {@code /etc/passwd} or a graph from elsewhere; links between files inside the package are fine.
 * Files the user names directly (a release folder being imported, a noise file) may resolve
 * anywhere ({@link #regularFile}): download caches commonly link into a shared blob store.
 *
 * <p>The check and the later open are separate system calls, so a file replaced in between
 * (by someone who can write the folder) is not caught; opening never follows a link
 * ({@link #openRead}), which narrows that window to replacing the resolved file itself.
 */
public final class ModelFiles {
    /** Links followed before a chain counts as a loop (Linux's own limit is 40). */
    private static final int MAX_LINKS = 40;
    /** The largest Java array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private ModelFiles() {
    }

    /**
     * The real path of {@code file} after following every link, which must be a regular file.
     *
     * @throws NoSuchFileException when it (or a link's target) does not exist
     * @throws IOException naming the file for a loop, a directory, a FIFO, a device or a socket
     */
    public static Path regularFile(Path file) throws IOException {
        Path real = resolveLinks(file);
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + (real.equals(file.toAbsolutePath()) ? "" : " (resolved to " + real + ")")
                    + " is " + kind(real, attributes) + ", not a regular file");
        }
        return real;
    }

    /**
     * As {@link #regularFile}, and the real path must lie inside the real path of {@code folder}
     * (the rule for files of a model package).
     */
    public static Path regularFileInside(Path file, Path folder) throws IOException {
        Path real = regularFile(file);
        Path root = folder.toRealPath();
        if (!real.startsWith(root)) {
            throw new IOException(file + " resolves to " + real + ", outside the package folder " + root
                    + "; links in a package may only point to files inside it");
        }
        return real;
    }

    /** Opens a checked file for reading without following a link (see the class comment). */
    public static FileChannel openRead(Path realFile) throws IOException {
        return FileChannel.open(realFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads a checked file whole when it holds at most {@code limit} bytes and fits in the heap; a
     * larger one is refused before anything is read (and a file that grows while being read, after
     * {@code limit} bytes).
     *
     * @param what what the file is, for the message ("a manifest", "a graph")
     */
    public static byte[] readBounded(Path realFile, long limit, String what) throws IOException {
        if (limit < 0 || limit >= MAX_ARRAY) {
            throw new IllegalArgumentException("limit " + limit + " is not between 0 and " + (MAX_ARRAY - 1));
        }
        try (FileChannel channel = openRead(realFile)) {
            long size = channel.size();
            if (size > limit) {
                throw tooLarge(realFile, size, limit, what);
            }
            try {
                HeapCheck.require(size, realFile.toString());
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            byte[] bytes = Channels.newInputStream(channel).readNBytes((int) limit + 1);
            if (bytes.length > limit) {
                throw new IOException(realFile + " grew past " + limit + " bytes while being read, too large for "
                        + what);
            }
            return bytes;
        }
    }

    private static IOException tooLarge(Path file, long size, long limit, String what) {
        return new IOException(file + " is " + size + " bytes, too large for " + what + " (at most " + limit
                + " bytes)");
    }

    /**
     * Follows {@code file} through links (in the folders above it too) to a path whose last
     * element is not a link; that element itself may not exist.
     */
    private static Path resolveLinks(Path file) throws IOException {
        Path current = file.toAbsolutePath();
        Set<Path> seen = new HashSet<>();
        List<Path> chain = new ArrayList<>();
        while (true) {
            Path resolved = realFolderOf(file, current).resolve(current.getFileName());
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(resolved, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                throw new NoSuchFileException(chain.isEmpty() ? file + " does not exist"
                        : file + " is a link to " + resolved + ", which does not exist");
            }
            if (!attributes.isSymbolicLink()) {
                return resolved;
            }
            chain.add(resolved);
            if (!seen.add(resolved) || chain.size() > MAX_LINKS) {
                throw new IOException(file + " is a symbolic link loop (" + describeChain(chain) + ")");
            }
            current = resolved.getParent().resolve(Files.readSymbolicLink(resolved));
        }
    }

    private static Path realFolderOf(Path file, Path current) throws IOException {
        Path parent = current.getParent();
        if (parent == null || current.getFileName() == null) {
            throw new IOException(file + " is a directory, not a regular file");
        }
        try {
            return parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + " does not exist (no folder " + parent + ")");
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? "" : e.getReason();
            if (reason.toLowerCase(Locale.ROOT).contains("symbolic link")) {
                throw new IOException(file + ": a folder on its path is a symbolic link loop (" + parent + ")");
            }
            throw e;
        }
    }

    /** The links of a loop in order, the repeated one last (shortened when long). */
    private static String describeChain(List<Path> chain) {
        List<Path> shown = chain.size() <= 6 ? chain : chain.subList(0, 5);
        StringBuilder text = new StringBuilder();
        for (Path link : shown) {
            text.append(text.length() == 0 ? "" : " -> ").append(link);
        }
        return chain.size() <= 6 ? text.toString() : text + " -> ... (" + chain.size() + " links)";
    }

    /** What a non-regular file is, in words. */
    private static String kind(Path real, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int type = (Integer) Files.getAttribute(real, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
            return switch (type) {
                case S_IFIFO -> "a FIFO (named pipe)";
                case S_IFCHR -> "a character device";
                case S_IFBLK -> "a block device";
                case S_IFSOCK -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }
}
