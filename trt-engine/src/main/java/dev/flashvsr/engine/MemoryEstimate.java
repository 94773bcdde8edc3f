package dev.flashvsr.engine;

import java.util.Locale;

/**
 * The working memory a session would take, in bytes, by where it lives (see
 * {@link Model#estimateMemory}). It covers what the session itself allocates, not the pipeline's
 * video frames, the model's weights or the JVM.
 *
 * @param tensors    graph inputs, outputs and recurrent state kept by the session (for the CPU
 *                   backend: Java direct buffers)
 * @param tiling     band copies and tile feathering buffers (Java heap)
 * @param conversion colour conversion rows (Java heap)
 * @param runtime    the inference runtime's own memory while a frame runs: activations, arena
 *                   (native)
 */
public record MemoryEstimate(long tensors, long tiling, long conversion, long runtime) {

    public MemoryEstimate {
        if (tensors < 0 || tiling < 0 || conversion < 0 || runtime < 0) {
            throw new IllegalArgumentException("memory parts must not be negative");
        }
    }

    public long total() {
        return tensors + tiling + conversion + runtime;
    }

    /** The total and its parts, for logs. */
    public String describe() {
        return format(total()) + " (tensors " + format(tensors) + ", tiling " + format(tiling) + ", colour conversion "
                + format(conversion) + ", runtime " + format(runtime) + ")";
    }

    /** Bytes in the largest binary unit that keeps the number at least 1: "1.50 GiB", "12.0 MiB", "512 B". */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) {
            return bytes + " B";
        }
        return String.format(Locale.ROOT, value < 10 ? "%.2f %s" : value < 100 ? "%.1f %s" : "%.0f %s", value,
                units[unit]);
    }
}
