package dev.flashvsr.engine;

import java.util.Arrays;
import java.util.Optional;

/**
 * The raw video layouts the engine accepts, named as GStreamer names them in caps.
 *
 * <p>YUV formats are 4:2:0 with chroma planes of {@code ceil(w/2) x ceil(h/2)} samples; the RGB
 * family is packed, one plane, 3 or 4 bytes per pixel.
 */
public enum PixelFormat {
    NV12("NV12", new int[] {1, 2}, true),
    I420("I420", new int[] {1, 1, 1}, true),
    RGB("RGB", new int[] {3}, false),
    BGR("BGR", new int[] {3}, false),
    RGBA("RGBA", new int[] {4}, false),
    BGRA("BGRA", new int[] {4}, false),
    RGBX("RGBx", new int[] {4}, false),
    BGRX("BGRx", new int[] {4}, false);

    private final String gstName;
    private final int[] bytesPerSample;
    private final boolean chromaSubsampled;

    PixelFormat(String gstName, int[] bytesPerSample, boolean chromaSubsampled) {
        this.gstName = gstName;
        this.bytesPerSample = bytesPerSample;
        this.chromaSubsampled = chromaSubsampled;
    }

    /** The name used in GStreamer caps ({@code format=(string)...}). */
    public String gstName() {
        return gstName;
    }

    public int planeCount() {
        return bytesPerSample.length;
    }

    /** Bytes from one sample position to the next in a plane: interleaved channels count as one sample. */
    public int pixelStride(int plane) {
        return bytesPerSample[plane];
    }

    public int planeWidth(int plane, int frameWidth) {
        return plane > 0 && chromaSubsampled ? (frameWidth + 1) / 2 : frameWidth;
    }

    public int planeHeight(int plane, int frameHeight) {
        return plane > 0 && chromaSubsampled ? (frameHeight + 1) / 2 : frameHeight;
    }

    public boolean isYuv() {
        return chromaSubsampled;
    }

    public static Optional<PixelFormat> fromGstName(String name) {
        return Arrays.stream(values()).filter(f -> f.gstName.equals(name)).findFirst();
    }

    /** The caps list of every supported format, e.g. {@code { NV12, I420, ... }}. */
    public static String gstFormatList() {
        StringBuilder list = new StringBuilder("{ ");
        for (PixelFormat f : values()) {
            if (list.length() > 2) {
                list.append(", ");
            }
            list.append(f.gstName);
        }
        return list.append(" }").toString();
    }
}
