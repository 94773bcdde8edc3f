package dev.flashvsr.tools.train;

import dev.flashvsr.engine.bicubic.FloatBicubic;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Synthetic video clips for training: short sequences of high-res frames that follow a camera
 * motion over a photo, and the low-res frames made from them by a random {@link Degradation}.
 *
 * <p>Each photo is decoded once and area-downscaled by a random factor (so that pixel-level
 * detail looks like a video frame's, not like a 16-megapixel photo's), into a pool of high-res
 * images held in memory. A clip is then half the time a whole-pixel pan in high-res pixels (the
 * frames are exact crops, and the motion is still sub-pixel in the low-res frames), half the time
 * a general camera move: a sub-pixel pan with a slow zoom and a small rotation, resampled with
 * Keys bicubic. Optionally ({@link #SLOW_PAN_SHARE}) a share of clips is a slow sub-pixel pan
 * instead. Random flips and transposes augment all; flat places are mostly skipped.
 */
public final class ClipSampler {

    /**
     * A batch of clips: {@code lowRes[t]} holds frame t of every clip, [N, 3, h, w] flattened;
     * {@code residualTarget[t]} the high-res ground truth minus the bicubic upscale of
     * {@code lowRes[t]}, [N, 3, scale*h, scale*w]; {@code bicubic[t]} that bicubic upscale;
     * {@code degraded[n]} whether clip n went through more than a clean downscale.
     */
    public record Batch(int clips, int frames, int height, int width, int scale,
                        float[][] lowRes, float[][] residualTarget, float[][] bicubic, boolean[] degraded) {

        /**
         * The same clips mirrored left to right (a new batch). Bicubic upscaling commutes with
         * mirroring, so the residual targets stay exact.
         */
        public Batch mirrored() {
            float[][] lr = new float[frames][];
            float[][] res = new float[frames][];
            float[][] bic = new float[frames][];
            for (int t = 0; t < frames; t++) {
                lr[t] = mirrorRows(lowRes[t], width);
                res[t] = mirrorRows(residualTarget[t], width * scale);
                bic[t] = mirrorRows(bicubic[t], width * scale);
            }
            return new Batch(clips, frames, height, width, scale, lr, res, bic, degraded);
        }

        private static float[] mirrorRows(float[] a, int w) {
            float[] out = new float[a.length];
            for (int row = 0; row < a.length; row += w) {
                for (int x = 0; x < w; x++) {
                    out[row + x] = a[row + w - 1 - x];
                }
            }
            return out;
        }
    }

    private final List<RgbImage> pool;
    private final int scale;
    private final int lrSize;
    private final int frames;
    private final Random rnd;

    public ClipSampler(List<RgbImage> pool, int scale, int lrSize, int frames, long seed) {
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("no training images");
        }
        this.pool = pool;
        this.scale = scale;
        this.lrSize = lrSize;
        this.frames = frames;
        this.rnd = new Random(seed);
    }

    /**
     * Decodes each photo once and keeps {@code versions} area-downscaled copies of it, each with a
     * long side drawn from [minLong, maxLong] pixels (but at least 1.25x smaller than the photo).
     */
    public static List<RgbImage> loadPool(List<Path> photos, int versions, int minLong, int maxLong,
                                          long seed, PrintWriter log) throws IOException {
        Random r = new Random(seed ^ 0x5DEECE66DL);
        List<RgbImage> pool = new ArrayList<>();
        for (Path p : photos) {
            long t0 = System.nanoTime();
            RgbImage full = RgbImage.read(p);
            int longSide = Math.max(full.width(), full.height());
            StringBuilder sizes = new StringBuilder();
            for (int v = 0; v < versions; v++) {
                double target = minLong + r.nextDouble() * (maxLong - minLong);
                double factor = Math.max(1.25, longSide / target);
                int w = (int) Math.round(full.width() / factor);
                int h = (int) Math.round(full.height() / factor);
                pool.add(Resample.resize(full, h, w, Resample.Filter.AREA));
                sizes.append(' ').append(w).append('x').append(h);
            }
            if (log != null) {
                log.printf(Locale.ROOT, "  %-40s %dx%d ->%s (%.1f s)%n", p.getFileName(), full.width(),
                        full.height(), sizes, (System.nanoTime() - t0) / 1e9);
                log.flush();
            }
        }
        return pool;
    }

    /** The next batch of {@code clips} clips. Deterministic for a given seed and call order. */
    public Batch next(int clips) {
        int h = lrSize;
        int w = lrSize;
        int hr = lrSize * scale;
        int lrLen = 3 * h * w;
        int hrLen = 3 * hr * hr;
        float[][] lowRes = new float[frames][clips * lrLen];
        float[][] target = new float[frames][clips * hrLen];
        float[][] bicubic = new float[frames][clips * hrLen];
        boolean[] degraded = new boolean[clips];
        RgbImage[][] hrClips = new RgbImage[clips][];
        RgbImage[][] lrClips = new RgbImage[clips][];
        List<RgbImage[]> toH264 = new ArrayList<>();
        for (int n = 0; n < clips; n++) {
            hrClips[n] = clip();
            // Draws nothing when cuts are off, so the documented training runs repeat exactly.
            if (CUT_SHARE > 0 && frames > 1 && rnd.nextDouble() < CUT_SHARE) {
                RgbImage[] other = clip();
                int at = 1 + rnd.nextInt(frames - 1);
                System.arraycopy(other, at, hrClips[n], at, frames - at);
            }
            Degradation deg = Degradation.random(rnd, scale);
            degraded[n] = !deg.isClean();
            // Draws nothing when H.264 is off, so the documented training runs repeat exactly.
            boolean h264 = H264Clips.CHANCE > 0 && !deg.isClean() && rnd.nextDouble() < H264Clips.CHANCE;
            if (h264) {
                deg = deg.withoutJpeg();
            }
            lrClips[n] = new RgbImage[frames];
            for (int t = 0; t < frames; t++) {
                lrClips[n][t] = deg.apply(hrClips[n][t], scale, rnd);
            }
            if (h264) {
                toH264.add(lrClips[n]);
            }
        }
        if (!toH264.isEmpty()) {
            H264Clips.roundTrip(toH264, lrSize, rnd.nextDouble());
        }
        for (int n = 0; n < clips; n++) {
            for (int t = 0; t < frames; t++) {
                RgbImage lr = lrClips[n][t];
                float[] base = FloatBicubic.upscale(lr.data(), 3, h, w, scale);
                System.arraycopy(lr.data(), 0, lowRes[t], n * lrLen, lrLen);
                float[] gt = hrClips[n][t].data();
                float[] dst = target[t];
                int off = n * hrLen;
                System.arraycopy(base, 0, bicubic[t], off, hrLen);
                for (int i = 0; i < hrLen; i++) {
                    dst[off + i] = gt[i] - base[i];
                }
            }
        }
        return new Batch(clips, frames, h, w, scale, lowRes, target, bicubic, degraded);
    }

    /** High-res frames of one clip, {@code lrSize * scale} square. */
    RgbImage[] clip() {
        int p = lrSize * scale;
        RgbImage img = pool.get(rnd.nextInt(pool.size()));
        // Draws nothing when slow pans are off, so the documented training runs repeat exactly.
        boolean slowPan = SLOW_PAN_SHARE > 0 && rnd.nextDouble() < SLOW_PAN_SHARE;
        boolean integerPan = !slowPan && rnd.nextDouble() >= GENERAL_MOTION_FRACTION;
        boolean flip = rnd.nextBoolean();
        boolean transpose = rnd.nextBoolean();
        double speed; // high-res pixels per frame
        double zoom0;
        double zoomRate;
        double angle0;
        double angleRate;
        double still = rnd.nextDouble();
        if (integerPan || slowPan) { // pans only
            speed = slowPan ? rnd.nextDouble() * SLOW_PAN_SPEED
                    : still < STILL_SHARE ? 0 : Math.round(rnd.nextDouble() * 3.0 * scale);
            zoom0 = 1;
            zoomRate = 1;
            angle0 = 0;
            angleRate = 0;
        } else {
            speed = still < STILL_SHARE ? rnd.nextDouble() * 0.5 : rnd.nextDouble() * 3.0 * scale;
            zoom0 = Math.exp((rnd.nextDouble() * 2 - 1) * 0.05);
            zoomRate = Math.exp((rnd.nextDouble() * 2 - 1) * 0.012);
            angle0 = Math.toRadians((rnd.nextDouble() * 2 - 1) * 3);
            angleRate = Math.toRadians((rnd.nextDouble() * 2 - 1) * 0.6);
        }
        double dir = rnd.nextDouble() * 2 * Math.PI;
        double vx = speed * Math.cos(dir);
        double vy = speed * Math.sin(dir);
        if (integerPan) {
            vx = Math.round(vx);
            vy = Math.round(vy);
        }
        double reach = p * 0.75 * 1.1 + frames * speed + 4;
        double cx0 = 0;
        double cy0 = 0;
        // Prefer textured places: retry flat ones a few times.
        for (int attempt = 0; attempt < 6; attempt++) {
            cx0 = pick(img.width(), reach);
            cy0 = pick(img.height(), reach);
            if (integerPan) {
                // the centre of an even-sized view on whole pixels
                cx0 = Math.floor(cx0) + ((p % 2 == 0) ? 0.5 : 0);
                cy0 = Math.floor(cy0) + ((p % 2 == 0) ? 0.5 : 0);
            }
            if (activity(img, cx0, cy0, p) > MIN_ACTIVITY || rnd.nextDouble() < 0.15) {
                break;
            }
        }
        RgbImage[] out = new RgbImage[frames];
        for (int t = 0; t < frames; t++) {
            double z = zoom0 * Math.pow(zoomRate, t);
            double th = angle0 + angleRate * t;
            double cos = Math.cos(th) * z;
            double sin = Math.sin(th) * z;
            // [a b; c d] = z R(th) * F, F = flip/transpose of the output axes
            double a = cos;
            double b = -sin;
            double c = sin;
            double d = cos;
            if (flip) {
                a = -a;
                c = -c;
            }
            if (transpose) {
                double ta = a;
                double tc = c;
                a = b;
                c = d;
                b = ta;
                d = tc;
            }
            out[t] = Resample.warp(img, p, p, cx0 + vx * t, cy0 + vy * t, a, b, c, d);
        }
        return out;
    }

    /**
     * Share of clips that hold still or pan by at most half a high-res pixel per frame (the rest
     * move up to 3 low-res pixels per frame); {@code -Dflashvsr.train.still}.
     */
    static final double STILL_SHARE = Double.parseDouble(System.getProperty("flashvsr.train.still", "0.15"));

    /**
     * Share of clips that are a slow sub-pixel pan (up to {@link #SLOW_PAN_SPEED} high-res pixels
     * per frame, no zoom or rotation), the motion under which a blend with the previous output can
     * average coding noise without lagging; {@code -Dflashvsr.train.slowPan} (default 0).
     */
    static final double SLOW_PAN_SHARE = Double.parseDouble(System.getProperty("flashvsr.train.slowPan", "0"));
    /** Fastest slow pan, in high-res pixels per frame. */
    static final double SLOW_PAN_SPEED = 1.5;

    /**
     * Share of clips with a scene cut: from a random frame on, another clip ({@code
     * -Dflashvsr.train.cuts}; default 0), so that a temporal gate meets cuts in training.
     */
    static final double CUT_SHARE = Double.parseDouble(System.getProperty("flashvsr.train.cuts", "0"));

    /** Share of clips with sub-pixel pans, zooms and rotations (the rest: whole-pixel pans). */
    static final double GENERAL_MOTION_FRACTION = 0.5;
    /** Mean absolute luma step (see {@link #activity}) below which a place counts as flat. */
    static final double MIN_ACTIVITY = 0.025;

    private double pick(int size, double reach) {
        if (size <= 2 * reach) {
            return size / 2.0;
        }
        return reach + rnd.nextDouble() * (size - 2 * reach);
    }

    /** Mean absolute luma difference between neighbours (every other pixel) in the p x p box around (cx, cy). */
    private static double activity(RgbImage img, double cx, double cy, int p) {
        int x0 = Math.max(0, (int) (cx - p / 2.0));
        int y0 = Math.max(0, (int) (cy - p / 2.0));
        int x1 = Math.min(img.width() - 2, x0 + p);
        int y1 = Math.min(img.height() - 2, y0 + p);
        int w = img.width();
        int plane = img.plane();
        float[] s = img.data();
        double sum = 0;
        long n = 0;
        for (int y = y0; y < y1; y += 2) {
            for (int x = x0; x < x1; x += 2) {
                int i = y * w + x;
                double l = 0.299 * s[i] + 0.587 * s[plane + i] + 0.114 * s[2 * plane + i];
                double lx = 0.299 * s[i + 1] + 0.587 * s[plane + i + 1] + 0.114 * s[2 * plane + i + 1];
                int j = i + w;
                double ly = 0.299 * s[j] + 0.587 * s[plane + j] + 0.114 * s[2 * plane + j];
                sum += Math.abs(lx - l) + Math.abs(ly - l);
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}
