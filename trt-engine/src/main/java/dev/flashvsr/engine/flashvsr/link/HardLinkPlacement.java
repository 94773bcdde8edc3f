package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A hard link: the package and the release share one file, so nothing is copied, and a change to
 * the release in place is a change to the package (caught at open by its records).
 */
final class HardLinkPlacement implements FilePlacement {

    @Override
    public Way way() {
        return Way.HARD_LINK;
    }

    @Override
    public FileRecord place(Path from, Path to, Consumer<String> progress) throws IOException, Unavailable {
        try {
            Files.createLink(to, from);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (FileSystemException | UnsupportedOperationException e) {
            // Another filesystem, a filesystem without links, a file the user may not link (Linux's
            // protected_hardlinks) or its link count at the maximum: the next way may still work.
            throw new Unavailable(e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                    : "not supported by this filesystem");
        }
        return FileRecord.hashing(to, progress);
    }
}
