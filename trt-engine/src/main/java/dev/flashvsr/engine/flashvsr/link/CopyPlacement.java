package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A copy, hashed while it is written; always possible. */
final class CopyPlacement implements FilePlacement {

    @Override
    public Way way() {
        return Way.COPY;
    }

    @Override
    public FileRecord place(Path from, Path to, Consumer<String> progress) throws IOException {
        return FileRecord.written(to, Sha256.copy(from, to, progress));
    }
}
