package dev.flashvsr.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Makes the files that tests put where a model file should be. */
public final class SpecialFiles {
    private SpecialFiles() {
    }

    /**
     * Replaces {@code path} (if it exists) by a FIFO: opening one for reading would block until a
     * writer comes, so a reader that does not check first hangs.
     */
    public static Path fifo(Path path) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }
}
