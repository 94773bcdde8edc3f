package dev.flashvsr.tools.eval;

/**
 * The square of a frame the report zooms into: the one with the most detail in the ground truth
 * (largest sum of absolute horizontal and vertical luma differences), where upscalers differ
 * most. It is chosen from the ground truth alone, so every model is shown on the same pixels, and
 * its corner and side are multiples of the scale, so the low-resolution input has an exact crop.
 *
 * @param x     left edge in high-resolution pixels
 * @param y     top edge in high-resolution pixels
 * @param side  side in high-resolution pixels
 * @param frame the frame shown
 */
record DetailCrop(int x, int y, int side, int frame) {

    /** The side of the crop when the window is large enough. */
    static final int SIDE = 128;

    /** Picks the crop of {@code truth} (frame {@code frame} of its clip) for {@code scale}. */
    static DetailCrop mostDetailed(RgbImage truth, int frame, int scale) {
        int w = truth.width();
        int h = truth.height();
        int side = Math.min(SIDE, Math.min(w, h)) / scale * scale;
        if (side < scale) {
            throw new IllegalArgumentException("a " + w + "x" + h + " frame is too small for a crop at x" + scale);
        }
        long[] sums = detailSums(truth);
        int bestX = 0;
        int bestY = 0;
        long best = -1;
        for (int y = 0; y + side <= h; y += scale) {
            for (int x = 0; x + side <= w; x += scale) {
                long s = sums[(y + side) * (w + 1) + x + side] - sums[y * (w + 1) + x + side]
                        - sums[(y + side) * (w + 1) + x] + sums[y * (w + 1) + x];
                if (s > best) {
                    best = s;
                    bestX = x;
                    bestY = y;
                }
            }
        }
        return new DetailCrop(bestX, bestY, side, frame);
    }

    /**
     * Summed-area table, {@code (w + 1) x (h + 1)}, of each pixel's detail: the absolute luma
     * difference to its right and lower neighbours (in 1/1000 levels, so sums stay exact).
     */
    private static long[] detailSums(RgbImage image) {
        int w = image.width();
        int h = image.height();
        double[] y = image.luma();
        long[] sums = new long[(w + 1) * (h + 1)];
        for (int r = 0; r < h; r++) {
            long row = 0;
            for (int c = 0; c < w; c++) {
                int i = r * w + c;
                double d = (c + 1 < w ? Math.abs(y[i + 1] - y[i]) : 0) + (r + 1 < h ? Math.abs(y[i + w] - y[i]) : 0);
                row += Math.round(d * 1000);
                sums[(r + 1) * (w + 1) + c + 1] = sums[r * (w + 1) + c + 1] + row;
            }
        }
        return sums;
    }

    /** This crop of a high-resolution frame. */
    RgbImage of(RgbImage highRes) {
        return highRes.crop(x, y, side, side);
    }

    /** This crop of a low-resolution frame, enlarged by {@code scale} with nearest neighbour (its pixels as blocks). */
    RgbImage ofLowRes(RgbImage lowRes, int scale) {
        RgbImage small = lowRes.crop(x / scale, y / scale, side / scale, side / scale);
        RgbImage out = new RgbImage(side, side);
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                for (int k = 0; k < 3; k++) {
                    out.set(c, r, k, small.get(c / scale, r / scale, k));
                }
            }
        }
        return out;
    }
}
