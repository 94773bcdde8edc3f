package dev.flashvsr.tools.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * One evaluation clip made from a still image: a slow sub-pixel camera pan over a window of the
 * image (the high-resolution ground truth) and its antialiased-bicubic downscale (the clean
 * low-resolution input).
 *
 * <p>Frame {@code t} is the window whose top-left pixel centre is at {@code (x0 + PAN_X t, y0 +
 * PAN_Y t)}, bicubic interpolated ({@link Resampling#window}) and rounded to 8 bits; frame 0 is an
 * exact crop. The window is centred on the image (with room for the pan and the interpolation
 * taps), at most {@code maxSize} pixels on each side, and its low-resolution size is a multiple of
 * 8 (of 2 for tiny images), so its high-resolution size is a multiple of the scale.
 */
public record TestSequence(String name, int x0, int y0, List<RgbImage> truth, List<RgbImage> lowRes) {

    /** Horizontal pan in high-resolution pixels per frame. */
    public static final double PAN_X = 0.37;
    /** Vertical pan in high-resolution pixels per frame. */
    public static final double PAN_Y = 0.21;
    /** Smallest low-resolution side accepted. */
    public static final int MIN_LOW_RES = 8;

    public TestSequence {
        truth = List.copyOf(truth);
        lowRes = List.copyOf(lowRes);
        if (truth.size() != lowRes.size() || truth.isEmpty()) {
            throw new IllegalArgumentException("a sequence needs as many low-resolution frames as ground-truth "
                    + "frames, at least one");
        }
    }

    public int frames() {
        return truth.size();
    }

    public int width() {
        return truth.get(0).width();
    }

    public int height() {
        return truth.get(0).height();
    }

    public int lowResWidth() {
        return lowRes.get(0).width();
    }

    public int lowResHeight() {
        return lowRes.get(0).height();
    }

    /** The same ground truth with other low-resolution frames (for example after H.264). */
    public TestSequence withLowRes(List<RgbImage> degraded) {
        return new TestSequence(name, x0, y0, truth, degraded);
    }

    /**
     * Makes the clip of {@code frames} frames from {@code image} for {@code scale}.
     *
     * @param maxSize largest window side in high-resolution pixels; 0 for no limit
     * @throws IllegalArgumentException when the image is too small for a window
     */
    public static TestSequence make(String name, RgbImage image, int scale, int frames, int maxSize) {
        if (frames < 1) {
            throw new IllegalArgumentException("a sequence needs at least one frame");
        }
        int travelX = (int) Math.ceil(PAN_X * (frames - 1));
        int travelY = (int) Math.ceil(PAN_Y * (frames - 1));
        // Room for the pan and for the interpolation taps (one pixel before, two after).
        int availW = image.width() - travelX - 3;
        int availH = image.height() - travelY - 3;
        int lrW = lowResSide(availW, maxSize, scale);
        int lrH = lowResSide(availH, maxSize, scale);
        if (lrW < MIN_LOW_RES || lrH < MIN_LOW_RES) {
            throw new IllegalArgumentException(name + " (" + image.width() + "x" + image.height()
                    + ") is too small: the window at x" + scale + " would be less than " + MIN_LOW_RES
                    + " low-resolution pixels on a side; it needs at least " + (MIN_LOW_RES * scale + travelX + 3)
                    + "x" + (MIN_LOW_RES * scale + travelY + 3) + " pixels");
        }
        int w = lrW * scale;
        int h = lrH * scale;
        int x0 = 1 + (availW - w) / 2;
        int y0 = 1 + (availH - h) / 2;
        List<RgbImage> truth = new ArrayList<>(frames);
        List<RgbImage> lowRes = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            RgbImage hr = t == 0 ? image.crop(x0, y0, w, h)
                    : Resampling.window(image, x0 + PAN_X * t, y0 + PAN_Y * t, w, h);
            truth.add(hr);
            lowRes.add(Resampling.downscale(hr, scale));
        }
        return new TestSequence(name, x0, y0, truth, lowRes);
    }

    private static int lowResSide(int available, int maxSize, int scale) {
        int side = maxSize > 0 ? Math.min(available, maxSize) : available;
        int lr = Math.max(0, side) / scale;
        return lr >= 2 * MIN_LOW_RES ? lr / 8 * 8 : lr / 2 * 2;
    }
}
