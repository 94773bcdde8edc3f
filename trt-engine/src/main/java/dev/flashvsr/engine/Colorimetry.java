package dev.flashvsr.engine;

/**
 * How YUV samples map to RGB: the matrix and the value range. Models that work in RGB need it; the
 * bicubic engine, which resamples each plane as stored, does not.
 */
public record Colorimetry(Matrix matrix, boolean fullRange) {

    public enum Matrix { BT601, BT709, BT2020, RGB }

    /** GStreamer's defaults when caps carry no colorimetry: BT.601 limited for SD YUV, BT.709 above. */
    public static Colorimetry defaultFor(PixelFormat format, int height) {
        if (!format.isYuv()) {
            return new Colorimetry(Matrix.RGB, true);
        }
        return new Colorimetry(height >= 720 ? Matrix.BT709 : Matrix.BT601, false);
    }

    /**
     * Parses a caps colorimetry string: a well-known name ({@code bt601}, {@code bt709},
     * {@code bt2020}, {@code sRGB}) or the {@code range:matrix:transfer:primaries} form. Unknown
     * strings fall back to {@link #defaultFor}.
     */
    public static Colorimetry parse(String caps, PixelFormat format, int height) {
        if (caps == null) {
            return defaultFor(format, height);
        }
        switch (caps) {
            case "bt601":
                return new Colorimetry(Matrix.BT601, false);
            case "bt709":
                return new Colorimetry(Matrix.BT709, false);
            case "bt2020":
            case "bt2100-pq":
            case "bt2100-hlg":
                return new Colorimetry(Matrix.BT2020, false);
            case "sRGB":
                return new Colorimetry(Matrix.RGB, true);
            default:
                return parseNumeric(caps, format, height);
        }
    }

    private static Colorimetry parseNumeric(String caps, PixelFormat format, int height) {
        String[] parts = caps.split(":");
        if (parts.length != 4) {
            return defaultFor(format, height);
        }
        Colorimetry fallback = defaultFor(format, height);
        // GstVideoColorRange: 1 = 0-255, 2 = 16-235; GstVideoColorMatrix: 1 = RGB, 3 = BT709, 4 = BT601, 6 = BT2020.
        boolean full = switch (parts[0]) {
            case "1" -> true;
            case "2" -> false;
            default -> fallback.fullRange();
        };
        Matrix matrix = switch (parts[1]) {
            case "1" -> Matrix.RGB;
            case "3" -> Matrix.BT709;
            case "4" -> Matrix.BT601;
            case "6" -> Matrix.BT2020;
            default -> fallback.matrix();
        };
        return new Colorimetry(matrix, full);
    }
}
