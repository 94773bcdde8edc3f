package dev.flashvsr.engine.color;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Converts video frames of every {@link PixelFormat} to planar float R'G'B' in [0, 1] and back.
 *
 * <p><b>Float layout.</b> Planar CHW: channel {@code c} (0 = R, 1 = G, 2 = B), row {@code r},
 * column {@code x} of an image {@code width} wide sits at {@code offset + c * planeStride + r * width + x}.
 * Whole frames and regions use {@code planeStride = width * height}; the row-band methods take it
 * explicitly. Values are not gamma-decoded: they are the stored (non-linear) R'G'B'.
 *
 * <p><b>YUV to RGB</b> uses the stream's {@link Colorimetry}: Kr/Kb of BT.601, BT.709 or BT.2020
 * and limited (Y 16..235, C 16..240) or full (0..255) range, see {@link YuvCoefficients}. A YUV frame
 * whose colorimetry says {@link Colorimetry.Matrix#RGB} is converted with GStreamer's default
 * matrix for its height (BT.601 below 720 rows, BT.709 from 720). Results are clamped to [0, 1]
 * (Y'CbCr can encode colours outside the RGB cube). Chroma is upsampled as chosen by
 * {@link ChromaUpsampling} (centre-sited). RGB-family frames are always taken as full range
 * 0..255, whatever the colorimetry says.
 *
 * <p><b>RGB to YUV</b>: each R'G'B' value is clamped to [0, 1]; luma is computed per pixel; chroma
 * of each 4:2:0 sample is computed from the average of the clamped R'G'B' of its 2x2 block (1x2,
 * 2x1 or 1x1 at the right and bottom edges of odd sizes). Cb and Cr are linear in R'G'B', so this
 * equals the average of the per-pixel Cb/Cr. Every code is rounded to nearest (halves up; a
 * full-range chroma of 255.5 becomes 255). RGB output is {@code round(255 v)}; the fourth byte of
 * RGBA/BGRA/RGBx/BGRx is written as 255. NaN inputs become 0 or 1.
 *
 * <p><b>Cost.</b> Rows are read and written with absolute bulk transfers into reusable primitive
 * arrays; after the first call for a given size no method allocates. Frames of at least 2^18
 * pixels are split by rows across {@code threads} threads (the caller's plus {@code threads - 1}
 * daemon workers, stopped by {@link #close()}). An instance is not thread-safe: use one per
 * thread or serialise calls. Measured on the 2-core development VM (OpenJDK 17), 1920x1080 NV12,
 * bilinear chroma, best of 15: to {@code float[]} about 9 ms and back about 7 ms on one thread,
 * about 5 ms and 4 ms on two when the second core is free; a direct {@code FloatBuffer} adds
 * about 1.5 ms each way.
 */
public final class ColorConverter implements AutoCloseable {
    static final int PARALLEL_MIN_PIXELS = 1 << 18;

    private final Colorimetry colorimetry;
    private final ChromaUpsampling upsampling;
    private final int threads;
    private final RowPool pool;
    private final Scratch[] scratch;
    private final Tables[] tables = new Tables[Colorimetry.Matrix.values().length];
    private final float[] unitLut = new float[256];

    // Parameters of the job being run; written before RowPool.run (which publishes them).
    private VideoFrame jobFrame;
    private float[] jobArray;
    private FloatBuffer jobBuffer;
    private int jobOffset;
    private int jobPlaneStride;
    private int jobX;
    private int jobY;
    private int jobW;
    private int jobH;
    private int jobUnit0;
    private int jobUnits;
    private Tables jobTables;
    private final RowPool.Job toRgbJob = this::toRgbPart;
    private final RowPool.Job fromRgbJob = this::fromRgbPart;
    private boolean closed;

    /** A single-threaded converter with bilinear chroma upsampling. */
    public ColorConverter(Colorimetry colorimetry) {
        this(colorimetry, ChromaUpsampling.BILINEAR, 1);
    }

    /**
     * @param threads threads that share the rows of large frames (1 = only the caller's thread);
     *                {@code threads - 1} daemon workers are started now
     */
    public ColorConverter(Colorimetry colorimetry, ChromaUpsampling upsampling, int threads) {
        this.colorimetry = Objects.requireNonNull(colorimetry);
        this.upsampling = Objects.requireNonNull(upsampling);
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1..64, got " + threads);
        }
        this.threads = threads;
        this.pool = threads > 1 ? new RowPool(threads, "flashvsr-color") : null;
        this.scratch = new Scratch[threads];
        for (int i = 0; i < threads; i++) {
            scratch[i] = new Scratch();
        }
        for (Colorimetry.Matrix m : Colorimetry.Matrix.values()) {
            if (m != Colorimetry.Matrix.RGB) {
                tables[m.ordinal()] = new Tables(YuvCoefficients.of(m, colorimetry.fullRange()));
            }
        }
        for (int i = 0; i < 256; i++) {
            unitLut[i] = i / 255f;
        }
    }

    public Colorimetry colorimetry() {
        return colorimetry;
    }

    public ChromaUpsampling chromaUpsampling() {
        return upsampling;
    }

    public int threads() {
        return threads;
    }

    /** The Y'CbCr constants used for a YUV frame of this height. */
    public YuvCoefficients coefficientsFor(int frameHeight) {
        return tablesFor(frameHeight).coefficients;
    }

    // ---------------------------------------------------------------- frame -> float

    /** Converts the whole frame into {@code dst} from {@code offset}: 3 planes of width x height. */
    public void toPlanarRgb(VideoFrame src, float[] dst, int offset) {
        toPlanarRgb(src, 0, 0, src.width(), src.height(), dst, offset);
    }

    /** As {@link #toPlanarRgb(VideoFrame, float[], int)}, into absolute indices of {@code dst} (position unchanged). */
    public void toPlanarRgb(VideoFrame src, FloatBuffer dst, int offset) {
        toPlanarRgb(src, 0, 0, src.width(), src.height(), dst, offset);
    }

    /**
     * Converts the region (x, y, w, h) of the frame: 3 planes of w x h from {@code offset}. The
     * result equals the same region of a whole-frame conversion (chroma interpolation reads
     * neighbours outside the region).
     */
    public void toPlanarRgb(VideoFrame src, int x, int y, int w, int h, float[] dst, int offset) {
        checkRegion(src, x, y, w, h);
        checkRange(dst.length, offset, 3L * w * h);
        jobArray = dst;
        jobBuffer = null;
        runToRgb(src, x, y, w, h, offset);
    }

    /** Region conversion into absolute indices of a float buffer (heap or direct; position unchanged). */
    public void toPlanarRgb(VideoFrame src, int x, int y, int w, int h, FloatBuffer dst, int offset) {
        checkRegion(src, x, y, w, h);
        checkRange(dst.capacity(), offset, 3L * w * h);
        if (dst.hasArray() && !dst.isReadOnly()) {
            jobArray = dst.array();
            jobBuffer = null;
            offset += dst.arrayOffset();
        } else {
            jobArray = null;
            jobBuffer = dst;
        }
        runToRgb(src, x, y, w, h, offset);
    }

    private void runToRgb(VideoFrame src, int x, int y, int w, int h, int offset) {
        jobFrame = src;
        jobOffset = offset;
        jobPlaneStride = w * h;
        jobX = x;
        jobY = y;
        jobW = w;
        jobH = h;
        if (src.format().isYuv()) {
            jobTables = tablesFor(src.height());
            jobUnit0 = y >> 1;
            jobUnits = ((y + h - 1) >> 1) - jobUnit0 + 1;
        } else {
            jobTables = null;
            jobUnit0 = y;
            jobUnits = h;
        }
        try {
            dispatch(toRgbJob, (long) w * h);
        } finally {
            jobFrame = null;
            jobArray = null;
            jobBuffer = null;
        }
    }

    private void toRgbPart(int part, int parts) {
        int u0 = jobUnit0 + (int) ((long) jobUnits * part / parts);
        int u1 = jobUnit0 + (int) ((long) jobUnits * (part + 1) / parts);
        Scratch s = scratch[part];
        VideoFrame f = jobFrame;
        s.ensure(f.width());
        if (f.format().isYuv()) {
            yuvToRgbRows(s, f, u0, u1);
        } else {
            packedToRgbRows(s, f, u0, u1);
        }
    }

    private void packedToRgbRows(Scratch s, VideoFrame f, int row0, int row1) {
        PixelFormat fmt = f.format();
        int bpp = fmt.pixelStride(0);
        int ri = redIndex(fmt);
        int bi = 2 - ri;
        int w = jobW;
        int x = jobX;
        ByteBuffer plane = f.plane(0);
        int stride = f.stride(0);
        byte[] row = s.bytes0;
        float[] lut = unitLut;
        float[] out = jobArray != null ? jobArray : s.r;
        for (int yy = row0; yy < row1; yy++) {
            plane.get(yy * stride + x * bpp, row, 0, w * bpp);
            int rOff;
            int gOff;
            int bOff;
            if (jobArray != null) {
                rOff = jobOffset + (yy - jobY) * w;
                gOff = rOff + jobPlaneStride;
                bOff = gOff + jobPlaneStride;
            } else {
                rOff = 0;
                gOff = s.r.length / 3;
                bOff = 2 * gOff;
            }
            for (int k = 0, p = 0; k < w; k++, p += bpp) {
                out[rOff + k] = lut[row[p + ri] & 0xff];
                out[gOff + k] = lut[row[p + 1] & 0xff];
                out[bOff + k] = lut[row[p + bi] & 0xff];
            }
            if (jobArray == null) {
                flushFloatRow(s, yy - jobY, rOff, gOff, bOff, w);
            }
        }
    }

    private void yuvToRgbRows(Scratch s, VideoFrame f, int i0, int i1) {
        Tables t = jobTables;
        int w = jobW;
        int x = jobX;
        int cw = f.planeWidth(1);
        int ch = f.planeHeight(1);
        int j0 = x >> 1;
        int j1 = (x + w - 1) >> 1;
        // chroma columns loaded: neighbours of [j0, j1] for interpolation
        int c0 = Math.max(0, j0 - 1);
        int c1 = Math.min(cw - 1, j1 + 1);
        s.invalidateChroma();
        ByteBuffer yPlane = f.plane(0);
        int yStride = f.stride(0);
        byte[] yRow = s.bytes0;
        boolean bilinear = upsampling == ChromaUpsampling.BILINEAR;
        int shift = x - (j0 << 1); // 0 or 1: offset of the region's first column in the upsampled row
        float[] out = jobArray != null ? jobArray : s.r;
        for (int i = i0; i < i1; i++) {
            int cur = s.loadChroma(this, f, t, i, c0, c1);
            for (int yy = 2 * i; yy <= 2 * i + 1; yy++) {
                if (yy < jobY || yy >= jobY + jobH) {
                    continue;
                }
                float[] vPb;
                float[] vPr;
                if (bilinear) {
                    int ni = (yy & 1) == 0 ? Math.max(0, i - 1) : Math.min(ch - 1, i + 1);
                    int nb = s.loadChroma(this, f, t, ni, c0, c1);
                    float[] aPb = s.pb[cur];
                    float[] aPr = s.pr[cur];
                    float[] bPb = s.pb[nb];
                    float[] bPr = s.pr[nb];
                    vPb = s.vPb;
                    vPr = s.vPr;
                    for (int k = 0, n = c1 - c0; k <= n; k++) {
                        vPb[k] = 0.75f * aPb[k] + 0.25f * bPb[k];
                        vPr[k] = 0.75f * aPr[k] + 0.25f * bPr[k];
                    }
                } else {
                    vPb = s.pb[cur];
                    vPr = s.pr[cur];
                }
                float[] uPb = s.uPb;
                float[] uPr = s.uPr;
                if (bilinear) {
                    for (int j = j0; j <= j1; j++) {
                        int k = j - c0;
                        int left = j > 0 ? k - 1 : k;
                        int right = j < cw - 1 ? k + 1 : k;
                        int o = (j - j0) << 1;
                        float cb = 0.75f * vPb[k];
                        float cr = 0.75f * vPr[k];
                        uPb[o] = cb + 0.25f * vPb[left];
                        uPb[o + 1] = cb + 0.25f * vPb[right];
                        uPr[o] = cr + 0.25f * vPr[left];
                        uPr[o + 1] = cr + 0.25f * vPr[right];
                    }
                } else {
                    for (int j = j0; j <= j1; j++) {
                        int k = j - c0;
                        int o = (j - j0) << 1;
                        uPb[o] = vPb[k];
                        uPb[o + 1] = vPb[k];
                        uPr[o] = vPr[k];
                        uPr[o + 1] = vPr[k];
                    }
                }
                yPlane.get(yy * yStride + x, yRow, 0, w);
                int rOff;
                int gOff;
                int bOff;
                if (jobArray != null) {
                    rOff = jobOffset + (yy - jobY) * w;
                    gOff = rOff + jobPlaneStride;
                    bOff = gOff + jobPlaneStride;
                } else {
                    rOff = 0;
                    gOff = s.r.length / 3;
                    bOff = 2 * gOff;
                }
                yuvPixels(yRow, uPb, uPr, shift, out, rOff, gOff, bOff, w, t);
                if (jobArray == null) {
                    flushFloatRow(s, yy - jobY, rOff, gOff, bOff, w);
                }
            }
        }
    }

    /** One row of pixels: luma bytes plus upsampled chroma (from index {@code shift}) to clamped R'G'B'. */
    private static void yuvPixels(byte[] yRow, float[] uPb, float[] uPr, int shift, float[] out, int rOff, int gOff,
            int bOff, int w, Tables t) {
        float[] yLut = t.yLut;
        float rCr = t.rCr;
        float gCb = t.gCb;
        float gCr = t.gCr;
        float bCb = t.bCb;
        for (int k = 0; k < w; k++) {
            float yv = yLut[yRow[k] & 0xff];
            float pb = uPb[k + shift];
            float pr = uPr[k + shift];
            float r = yv + rCr * pr;
            float g = yv + gCb * pb + gCr * pr;
            float b = yv + bCb * pb;
            out[rOff + k] = clamp01(r);
            out[gOff + k] = clamp01(g);
            out[bOff + k] = clamp01(b);
        }
    }

    private void flushFloatRow(Scratch s, int regionRow, int rOff, int gOff, int bOff, int w) {
        FloatBuffer dst = jobBuffer;
        int base = jobOffset + regionRow * w;
        dst.put(base, s.r, rOff, w);
        dst.put(base + jobPlaneStride, s.r, gOff, w);
        dst.put(base + 2 * jobPlaneStride, s.r, bOff, w);
    }

    /** Reads chroma row i, columns c0..c1, as Pb/Pr floats. */
    void readChromaRow(VideoFrame f, Tables t, int i, int c0, int c1, byte[] bytes, float[] pb, float[] pr) {
        float[] cLut = t.cLut;
        int n = c1 - c0 + 1;
        if (f.format() == PixelFormat.NV12) {
            f.plane(1).get(i * f.stride(1) + 2 * c0, bytes, 0, 2 * n);
            for (int k = 0; k < n; k++) {
                pb[k] = cLut[bytes[2 * k] & 0xff];
                pr[k] = cLut[bytes[2 * k + 1] & 0xff];
            }
        } else {
            f.plane(1).get(i * f.stride(1) + c0, bytes, 0, n);
            for (int k = 0; k < n; k++) {
                pb[k] = cLut[bytes[k] & 0xff];
            }
            f.plane(2).get(i * f.stride(2) + c0, bytes, 0, n);
            for (int k = 0; k < n; k++) {
                pr[k] = cLut[bytes[k] & 0xff];
            }
        }
    }

    // ---------------------------------------------------------------- float -> frame

    /** Writes the whole frame from 3 planes of width x height starting at {@code offset}. */
    public void fromPlanarRgb(float[] src, int offset, VideoFrame dst) {
        fromPlanarRgbRows(src, offset, dst.width() * dst.height(), dst, 0, dst.height());
    }

    /** As {@link #fromPlanarRgb(float[], int, VideoFrame)}, from absolute indices of {@code src}. */
    public void fromPlanarRgb(FloatBuffer src, int offset, VideoFrame dst) {
        fromPlanarRgbRows(src, offset, dst.width() * dst.height(), dst, 0, dst.height());
    }

    /**
     * Writes frame rows {@code y0 .. y0 + rows - 1} from a band of planar floats: channel c, band
     * row r, column x at {@code src[offset + c * planeStride + r * width + x]}. For 4:2:0 formats
     * {@code y0} must be even and {@code rows} even unless the band ends at the frame's last row,
     * so that every 2x2 chroma block lies in one band.
     */
    public void fromPlanarRgbRows(float[] src, int offset, int planeStride, VideoFrame dst, int y0, int rows) {
        checkBand(dst, planeStride, y0, rows);
        checkRange(src.length, offset, 2L * planeStride + (long) rows * dst.width());
        jobArray = src;
        jobBuffer = null;
        runFromRgb(dst, offset, planeStride, y0, rows);
    }

    /** As {@link #fromPlanarRgbRows(float[], int, int, VideoFrame, int, int)}, from absolute indices of a float buffer. */
    public void fromPlanarRgbRows(FloatBuffer src, int offset, int planeStride, VideoFrame dst, int y0, int rows) {
        checkBand(dst, planeStride, y0, rows);
        checkRange(src.capacity(), offset, 2L * planeStride + (long) rows * dst.width());
        if (src.hasArray()) {
            jobArray = src.array();
            jobBuffer = null;
            offset += src.arrayOffset();
        } else {
            jobArray = null;
            jobBuffer = src;
        }
        runFromRgb(dst, offset, planeStride, y0, rows);
    }

    private void runFromRgb(VideoFrame dst, int offset, int planeStride, int y0, int rows) {
        jobFrame = dst;
        jobOffset = offset;
        jobPlaneStride = planeStride;
        jobX = 0;
        jobY = y0;
        jobW = dst.width();
        jobH = rows;
        if (dst.format().isYuv()) {
            jobTables = tablesFor(dst.height());
            jobUnit0 = y0 >> 1;
            jobUnits = ((y0 + rows - 1) >> 1) - jobUnit0 + 1;
        } else {
            jobTables = null;
            jobUnit0 = y0;
            jobUnits = rows;
        }
        try {
            dispatch(fromRgbJob, (long) dst.width() * rows);
        } finally {
            jobFrame = null;
            jobArray = null;
            jobBuffer = null;
        }
    }

    private void fromRgbPart(int part, int parts) {
        int u0 = jobUnit0 + (int) ((long) jobUnits * part / parts);
        int u1 = jobUnit0 + (int) ((long) jobUnits * (part + 1) / parts);
        Scratch s = scratch[part];
        VideoFrame f = jobFrame;
        s.ensure(f.width());
        if (f.format().isYuv()) {
            rgbToYuvRows(s, f, u0, u1);
        } else {
            rgbToPackedRows(s, f, u0, u1);
        }
    }

    private void rgbToPackedRows(Scratch s, VideoFrame f, int row0, int row1) {
        PixelFormat fmt = f.format();
        int bpp = fmt.pixelStride(0);
        int ri = redIndex(fmt);
        int bi = 2 - ri;
        int w = jobW;
        ByteBuffer plane = f.plane(0);
        int stride = f.stride(0);
        byte[] row = s.bytes0;
        if (bpp == 4) {
            for (int k = 0; k < w; k++) {
                row[4 * k + 3] = (byte) 0xff;
            }
        }
        for (int yy = row0; yy < row1; yy++) {
            float[] in;
            int rOff;
            if (jobArray != null) {
                in = jobArray;
                rOff = jobOffset + (yy - jobY) * w;
            } else {
                in = s.r;
                rOff = 0;
                fillFloatRow(s, yy - jobY, w);
            }
            int gOff = jobArray != null ? rOff + jobPlaneStride : s.r.length / 3;
            int bOff = jobArray != null ? gOff + jobPlaneStride : 2 * (s.r.length / 3);
            for (int k = 0, p = 0; k < w; k++, p += bpp) {
                row[p + ri] = (byte) (int) (clamp01(in[rOff + k]) * 255f + 0.5f);
                row[p + 1] = (byte) (int) (clamp01(in[gOff + k]) * 255f + 0.5f);
                row[p + bi] = (byte) (int) (clamp01(in[bOff + k]) * 255f + 0.5f);
            }
            plane.put(yy * stride, row, 0, w * bpp);
        }
    }

    private void rgbToYuvRows(Scratch s, VideoFrame f, int i0, int i1) {
        Tables t = jobTables;
        int w = jobW;
        int height = f.height();
        int cw = f.planeWidth(1);
        ByteBuffer yPlane = f.plane(0);
        int yStride = f.stride(0);
        byte[] yRow = s.bytes0;
        for (int i = i0; i < i1; i++) {
            int last = Math.min(2 * i + 1, height - 1);
            for (int yy = 2 * i; yy <= last; yy++) {
                float[] in;
                int rOff;
                int gOff;
                int bOff;
                if (jobArray != null) {
                    in = jobArray;
                    rOff = jobOffset + (yy - jobY) * w;
                    gOff = rOff + jobPlaneStride;
                    bOff = gOff + jobPlaneStride;
                } else {
                    in = s.r;
                    fillFloatRow(s, yy - jobY, w);
                    rOff = 0;
                    gOff = s.r.length / 3;
                    bOff = 2 * gOff;
                }
                rgbRowToLuma(in, rOff, gOff, bOff, w, yRow, s, yy == 2 * i, t);
                yPlane.put(yy * yStride, yRow, 0, w);
            }
            float norm = last == 2 * i ? 0.5f : 0.25f; // a 1-high block (odd height) counts once
            writeChromaRow(s, f, t, i, cw, norm);
        }
    }

    /**
     * One row: clamped R'G'B' to luma bytes, and the clamped R'G'B' of each horizontal pair summed
     * into the chroma sums (assigned on the block's first row, added on its second).
     */
    private static void rgbRowToLuma(float[] in, int rOff, int gOff, int bOff, int w, byte[] yRow, Scratch s,
            boolean first, Tables t) {
        float yR = t.yR;
        float yG = t.yG;
        float yB = t.yB;
        float yOff = t.yOff;
        float[] sR = s.sumR;
        float[] sG = s.sumG;
        float[] sB = s.sumB;
        int pairs = w >> 1;
        for (int j = 0; j < pairs; j++) {
            int k = 2 * j;
            float r0 = clamp01(in[rOff + k]);
            float g0 = clamp01(in[gOff + k]);
            float b0 = clamp01(in[bOff + k]);
            float r1 = clamp01(in[rOff + k + 1]);
            float g1 = clamp01(in[gOff + k + 1]);
            float b1 = clamp01(in[bOff + k + 1]);
            yRow[k] = (byte) (int) (yR * r0 + yG * g0 + yB * b0 + yOff);
            yRow[k + 1] = (byte) (int) (yR * r1 + yG * g1 + yB * b1 + yOff);
            if (first) {
                sR[j] = r0 + r1;
                sG[j] = g0 + g1;
                sB[j] = b0 + b1;
            } else {
                sR[j] += r0 + r1;
                sG[j] += g0 + g1;
                sB[j] += b0 + b1;
            }
        }
        if ((w & 1) != 0) {
            int k = w - 1;
            float r0 = clamp01(in[rOff + k]);
            float g0 = clamp01(in[gOff + k]);
            float b0 = clamp01(in[bOff + k]);
            yRow[k] = (byte) (int) (yR * r0 + yG * g0 + yB * b0 + yOff);
            // a 1-wide block counts its column twice, so that the 1/4 below averages it
            if (first) {
                sR[pairs] = 2 * r0;
                sG[pairs] = 2 * g0;
                sB[pairs] = 2 * b0;
            } else {
                sR[pairs] += 2 * r0;
                sG[pairs] += 2 * g0;
                sB[pairs] += 2 * b0;
            }
        }
    }

    private static void writeChromaRow(Scratch s, VideoFrame f, Tables t, int i, int cw, float norm) {
        float[] sR = s.sumR;
        float[] sG = s.sumG;
        float[] sB = s.sumB;
        float cbR = t.cbR * norm;
        float cbG = t.cbG * norm;
        float cbB = t.cbB * norm;
        float crR = t.crR * norm;
        float crG = t.crG * norm;
        float crB = t.crB * norm;
        byte[] bytes = s.bytes1;
        if (f.format() == PixelFormat.NV12) {
            for (int j = 0; j < cw; j++) {
                float r = sR[j];
                float g = sG[j];
                float b = sB[j];
                bytes[2 * j] = (byte) Math.min(255, (int) (cbR * r + cbG * g + cbB * b + 128.5f));
                bytes[2 * j + 1] = (byte) Math.min(255, (int) (crR * r + crG * g + crB * b + 128.5f));
            }
            f.plane(1).put(i * f.stride(1), bytes, 0, 2 * cw);
        } else {
            byte[] v = s.bytes2;
            for (int j = 0; j < cw; j++) {
                float r = sR[j];
                float g = sG[j];
                float b = sB[j];
                bytes[j] = (byte) Math.min(255, (int) (cbR * r + cbG * g + cbB * b + 128.5f));
                v[j] = (byte) Math.min(255, (int) (crR * r + crG * g + crB * b + 128.5f));
            }
            f.plane(1).put(i * f.stride(1), bytes, 0, cw);
            f.plane(2).put(i * f.stride(2), v, 0, cw);
        }
    }

    private void fillFloatRow(Scratch s, int bandRow, int w) {
        FloatBuffer src = jobBuffer;
        int base = jobOffset + bandRow * w;
        int third = s.r.length / 3;
        src.get(base, s.r, 0, w);
        src.get(base + jobPlaneStride, s.r, third, w);
        src.get(base + 2 * jobPlaneStride, s.r, 2 * third, w);
    }

    // ---------------------------------------------------------------- helpers

    private void dispatch(RowPool.Job job, long pixels) {
        int parts = pool == null || closed || pixels < PARALLEL_MIN_PIXELS ? 1 : Math.min(threads, jobUnits);
        if (parts <= 1) {
            job.run(0, 1);
        } else {
            pool.run(job, parts);
        }
    }

    private Tables tablesFor(int frameHeight) {
        Colorimetry.Matrix m = colorimetry.matrix();
        if (m == Colorimetry.Matrix.RGB) {
            m = frameHeight >= 720 ? Colorimetry.Matrix.BT709 : Colorimetry.Matrix.BT601;
        }
        return tables[m.ordinal()];
    }

    /**
     * Branch-free [0, 1] clamp on the float's bits (NaN becomes 0 or 1): as fast as an unclamped
     * loop whatever the share of out-of-range values, where comparisons mispredict on noisy data
     * and Math.min/max cost twice as much.
     */
    private static float clamp01(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits &= ~(bits >> 31); // negative (sign bit set) -> +0
        return Float.intBitsToFloat(Math.min(bits, 0x3f800000)); // non-negative floats order as ints
    }

    private static int redIndex(PixelFormat fmt) {
        return switch (fmt) {
            case RGB, RGBA, RGBX -> 0;
            case BGR, BGRA, BGRX -> 2;
            default -> throw new IllegalArgumentException(fmt + " is not packed RGB");
        };
    }

    private static void checkRegion(VideoFrame f, int x, int y, int w, int h) {
        if (w < 1 || h < 1 || x < 0 || y < 0 || x + w > f.width() || y + h > f.height()) {
            throw new IllegalArgumentException("region " + w + "x" + h + "+" + x + "+" + y + " is not inside the "
                    + f.width() + "x" + f.height() + " frame");
        }
    }

    private static void checkBand(VideoFrame f, int planeStride, int y0, int rows) {
        if (rows < 1 || y0 < 0 || y0 + rows > f.height()) {
            throw new IllegalArgumentException("rows " + y0 + ".." + (y0 + rows - 1) + " are not inside the "
                    + f.width() + "x" + f.height() + " frame");
        }
        if ((long) planeStride < (long) rows * f.width()) {
            throw new IllegalArgumentException("plane stride " + planeStride + " is less than " + rows + " rows of "
                    + f.width());
        }
        if (f.format().isYuv() && ((y0 & 1) != 0 || ((rows & 1) != 0 && y0 + rows != f.height()))) {
            throw new IllegalArgumentException("a " + f.format() + " band must start on an even row and have an even"
                    + " number of rows unless it ends the frame, got rows " + y0 + ".." + (y0 + rows - 1));
        }
    }

    private static void checkRange(long capacity, long offset, long length) {
        if (offset < 0 || offset + length > capacity) {
            throw new IllegalArgumentException("needs " + length + " floats from " + offset + ", have " + capacity);
        }
    }

    /** Stops the worker threads. A closed converter still works, on the calling thread only. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.close();
        }
    }

    /** Precomputed constants and lookup tables of one matrix and range. */
    static final class Tables {
        final YuvCoefficients coefficients;
        final float[] yLut = new float[256];
        final float[] cLut = new float[256];
        final float rCr;
        final float gCb;
        final float gCr;
        final float bCb;
        final float yR;
        final float yG;
        final float yB;
        final float yOff;
        final float cbR;
        final float cbG;
        final float cbB;
        final float crR;
        final float crG;
        final float crB;

        Tables(YuvCoefficients c) {
            coefficients = c;
            double kr = c.kr();
            double kb = c.kb();
            double kg = c.kg();
            for (int i = 0; i < 256; i++) {
                yLut[i] = (float) ((i - c.yOffset()) / c.yScale());
                cLut[i] = (float) ((i - 128) / c.cScale());
            }
            rCr = (float) (2 * (1 - kr));
            bCb = (float) (2 * (1 - kb));
            gCb = (float) (-2 * kb * (1 - kb) / kg);
            gCr = (float) (-2 * kr * (1 - kr) / kg);
            yR = (float) (c.yScale() * kr);
            yG = (float) (c.yScale() * kg);
            yB = (float) (c.yScale() * kb);
            yOff = (float) (c.yOffset() + 0.5);
            // Pb = (B - Y') / (2 (1 - Kb)), Pr = (R - Y') / (2 (1 - Kr)), scaled by cScale
            double sb = c.cScale() / (2 * (1 - kb));
            double sr = c.cScale() / (2 * (1 - kr));
            cbR = (float) (-kr * sb);
            cbG = (float) (-kg * sb);
            cbB = (float) ((1 - kb) * sb);
            crR = (float) ((1 - kr) * sr);
            crG = (float) (-kg * sr);
            crB = (float) (-kb * sr);
        }
    }

    /** Per-thread reusable rows; grown on demand, never shrunk. */
    static final class Scratch {
        int width = -1;
        byte[] bytes0 = new byte[0];
        byte[] bytes1 = new byte[0];
        byte[] bytes2 = new byte[0];
        float[] r = new float[0]; // three rows of width for buffer transfers
        float[][] pb = new float[3][];
        float[][] pr = new float[3][];
        final int[] chromaRow = {-1, -1, -1};
        float[] vPb = new float[0];
        float[] vPr = new float[0];
        float[] uPb = new float[0];
        float[] uPr = new float[0];
        float[] sumR = new float[0];
        float[] sumG = new float[0];
        float[] sumB = new float[0];

        void ensure(int frameWidth) {
            if (frameWidth <= width) {
                return;
            }
            int cw = (frameWidth + 1) / 2 + 2;
            bytes0 = new byte[frameWidth * 4];
            bytes1 = new byte[cw * 2];
            bytes2 = new byte[cw];
            r = new float[frameWidth * 3];
            for (int i = 0; i < 3; i++) {
                pb[i] = new float[cw];
                pr[i] = new float[cw];
            }
            vPb = new float[cw];
            vPr = new float[cw];
            uPb = new float[2 * cw];
            uPr = new float[2 * cw];
            sumR = new float[cw];
            sumG = new float[cw];
            sumB = new float[cw];
            width = frameWidth;
        }

        void invalidateChroma() {
            chromaRow[0] = chromaRow[1] = chromaRow[2] = -1;
        }

        /** The slot (0..2) holding chroma row i, reading it if it is not cached. */
        int loadChroma(ColorConverter c, VideoFrame f, Tables t, int i, int c0, int c1) {
            int slot = i % 3;
            if (chromaRow[slot] != i) {
                c.readChromaRow(f, t, i, c0, c1, bytes1, pb[slot], pr[slot]);
                chromaRow[slot] = i;
            }
            return slot;
        }
    }
}
