package dev.flashvsr.engine.flashvsr;

import java.nio.FloatBuffer;

/**
 * Moves cached DiT keys to earlier temporal RoPE positions, so that a stream can run past the
 * rotary table's last position. Attention only sees differences of positions (a query rotated by
 * p and a key rotated by p' score by p - p'), so shifting the cached keys and the next queries by
 * the same amount leaves the output unchanged up to rounding.
 *
 * <p>Keys are cached after RoPE as [1, heads, tokens, head_dim] float32; in each head the first
 * {@code timeDims / 2} (real, imaginary) pairs carry the temporal rotation, by angle
 * {@code position / theta^(2j / timeDims)} for pair j, so rebasing by {@code shift} multiplies
 * pair j by {@code exp(-i shift / theta^(2j / timeDims))} (computed in float64).
 */
public final class KeyCacheRebase {
    private final int headDim;
    private final double[] cos;
    private final double[] sin;

    public KeyCacheRebase(int headDim, int timeDims, double theta, int shift) {
        if (timeDims % 2 != 0 || timeDims > headDim) {
            throw new IllegalArgumentException("time dims " + timeDims + " must be even and at most " + headDim);
        }
        this.headDim = headDim;
        int pairs = timeDims / 2;
        cos = new double[pairs];
        sin = new double[pairs];
        for (int j = 0; j < pairs; j++) {
            double angle = -shift / Math.pow(theta, 2.0 * j / timeDims);
            cos[j] = Math.cos(angle);
            sin[j] = Math.sin(angle);
        }
    }

    /** Values per key vector. */
    public int headDim() {
        return headDim;
    }

    /** The (real, imaginary) pairs at the start of each key vector that the rebase rotates. */
    public int pairs() {
        return cos.length;
    }

    /** The rotation as cos and sin of each pair in turn ({@code 2 * pairs()} doubles), for a GPU kernel. */
    public double[] table() {
        double[] table = new double[2 * cos.length];
        for (int j = 0; j < cos.length; j++) {
            table[2 * j] = cos[j];
            table[2 * j + 1] = sin[j];
        }
        return table;
    }

    /** Rotates every key vector of {@code keys} (whole buffer: heads x tokens vectors) in place. */
    public void apply(FloatBuffer keys) {
        int vectors = keys.capacity() / headDim;
        for (int v = 0; v < vectors; v++) {
            int base = v * headDim;
            for (int j = 0; j < cos.length; j++) {
                int re = base + 2 * j;
                double a = keys.get(re);
                double b = keys.get(re + 1);
                keys.put(re, (float) (a * cos[j] - b * sin[j]));
                keys.put(re + 1, (float) (a * sin[j] + b * cos[j]));
            }
        }
    }
}
