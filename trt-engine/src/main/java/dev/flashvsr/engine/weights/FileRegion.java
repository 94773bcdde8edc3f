package dev.flashvsr.engine.weights;

import java.nio.file.Path;

/**
 * Bytes {@code [offset, offset + length)} of a file that hold one tensor's elements exactly as a
 * runtime wants them: row-major, little-endian, in the tensor's stored dtype. Graphs can then
 * refer to the weights where they lie instead of copying them.
 */
public record FileRegion(Path file, long offset, long length) {
    public FileRegion {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative file region " + offset + "+" + length + " of " + file);
        }
    }
}
