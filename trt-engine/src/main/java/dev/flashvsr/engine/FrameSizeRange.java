package dev.flashvsr.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input frame sizes from {@code minWidth x minHeight} to {@code maxWidth x maxHeight}, both
 * inclusive, dimension by dimension: what one TensorRT engine is built to accept, so a stream
 * renegotiated to another size inside it needs no new engine.
 */
public record FrameSizeRange(int minWidth, int minHeight, int maxWidth, int maxHeight) {
    /** The text form, {@code 640x360-1920x1080}. */
    public static final String FORMAT = "MINWxMINH-MAXWxMAXH";
    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,5})x(\\d{1,5})\\s*-\\s*(\\d{1,5})x(\\d{1,5})\\s*");

    public FrameSizeRange {
        if (minWidth < 1 || minHeight < 1 || minWidth > maxWidth || minHeight > maxHeight) {
            throw new IllegalArgumentException("frame size range " + minWidth + "x" + minHeight + "-" + maxWidth + "x"
                    + maxHeight + " is empty: give the smallest size first, both at least 1x1 (e.g. 640x360-1920x1080)");
        }
    }

    /**
     * Parses {@code 640x360-1920x1080}.
     *
     * @throws IllegalArgumentException naming {@code what} (the property or option) and the expected form
     */
    public static FrameSizeRange parse(String what, String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a size range: write " + FORMAT
                    + ", e.g. 640x360-1920x1080");
        }
        try {
            return new FrameSizeRange(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    public boolean contains(int width, int height) {
        return width >= minWidth && width <= maxWidth && height >= minHeight && height <= maxHeight;
    }

    /** {@code 640x360-1920x1080}, what {@link #parse} reads. */
    public String text() {
        return minWidth + "x" + minHeight + "-" + maxWidth + "x" + maxHeight;
    }

    @Override
    public String toString() {
        return text();
    }
}
