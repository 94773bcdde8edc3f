package dev.flashvsr.engine.tiling;

/**
 * Receives finished rows of the upscaled frame, top to bottom, each output row exactly once. The
 * data is only valid during the call. Channel {@code c}, band row {@code r}, column {@code x}
 * sits at {@code data[offset + c * planeStride + r * outputWidth + x]}. Bands start on multiples
 * of the scale, so with scale 2 or 4 they start on even rows and have even heights except possibly
 * the last one, which is what {@code ColorConverter.fromPlanarRgbRows} needs for 4:2:0 output.
 */
@FunctionalInterface
public interface BandSink {

    void accept(float[] data, int offset, int planeStride, int y0, int rows);

    /**
     * A sink that copies the bands into one whole-frame planar array of
     * {@code 3 x outputWidth x outputHeight} floats (for small frames and tests).
     */
    static BandSink into(float[] frame, int outputWidth, int outputHeight) {
        int plane = outputWidth * outputHeight;
        if (frame.length < 3L * plane) {
            throw new IllegalArgumentException("needs " + 3L * plane + " floats, got " + frame.length);
        }
        return (data, offset, planeStride, y0, rows) -> {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(data, offset + c * planeStride, frame, c * plane + y0 * outputWidth,
                        rows * outputWidth);
            }
        };
    }
}
