package dev.flashvsr.engine.flashvsr.load;

/** Three sizes along (time, height, width): kernels, strides, paddings, patch and shuffle factors. */
public record Dims3(int t, int h, int w) {

    public Dims3 {
        if (t < 0 || h < 0 || w < 0) {
            throw new IllegalArgumentException("negative size in " + t + "x" + h + "x" + w);
        }
    }

    public int product() {
        return Math.multiplyExact(Math.multiplyExact(t, h), w);
    }

    @Override
    public String toString() {
        return "(" + t + ", " + h + ", " + w + ")";
    }
}
