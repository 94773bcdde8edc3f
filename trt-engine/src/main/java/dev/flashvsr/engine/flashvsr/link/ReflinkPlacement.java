package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A reflink (copy-on-write clone: Btrfs, XFS, bcachefs...) made by GNU {@code cp --reflink=always}, which
 * Java has no call for: the clone shares the release's blocks until either file is written, and
 * the two stay independent files. Filesystems without clones (ext4, tmpfs) make cp fail at once.
 */
final class ReflinkPlacement implements FilePlacement {
    /** cp's reason for a failed clone is one short line. */
    private static final int MAX_MESSAGE = 1000;

    @Override
    public Way way() {
        return Way.REFLINK;
    }

    @Override
    public FileRecord place(Path from, Path to, Consumer<String> progress) throws IOException, Unavailable {
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(to.toString()); // cp would replace it
        }
        Process cp;
        try {
            cp = new ProcessBuilder("cp", "--reflink=always", "--", from.toString(), to.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new Unavailable("cannot run cp: " + e.getMessage());
        }
        int exit;
        try {
            exit = cp.waitFor();
        } catch (InterruptedException e) {
            cp.destroyForcibly().onExit().join();
            Files.deleteIfExists(to);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while cloning " + from);
        }
        if (exit != 0) {
            // GNU cp creates the target before it tries to clone into it.
            Files.deleteIfExists(to);
            throw new Unavailable(reason(cp.getErrorStream(), exit));
        }
        return FileRecord.hashing(to, progress);
    }

    /** cp's reason without the two paths ("cp: failed to clone 'b' from 'a': Operation not supported"). */
    private static String reason(InputStream stderr, int exit) throws IOException {
        String text = new String(stderr.readNBytes(MAX_MESSAGE), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "cp --reflink=always failed with exit status " + exit;
        }
        return text.substring(text.lastIndexOf(": ") + 1).strip();
    }
}
