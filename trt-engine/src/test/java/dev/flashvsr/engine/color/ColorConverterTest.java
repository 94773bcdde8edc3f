package dev.flashvsr.engine.color;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.Colorimetry.Matrix;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ColorConverterTest {
    static final PixelFormat[] PACKED = {PixelFormat.RGB, PixelFormat.BGR, PixelFormat.RGBA, PixelFormat.BGRA,
        PixelFormat.RGBX, PixelFormat.BGRX};
    static final PixelFormat[] YUV = {PixelFormat.NV12, PixelFormat.I420};
    static final int[][] SIZES = {{1, 1}, {2, 2}, {1, 5}, {5, 1}, {3, 2}, {2, 3}, {37, 23}, {64, 48}, {33, 18}};

    // ------------------------------------------------------------------ frames

    /**
     * A frame in a direct buffer with padded rows (stride = row bytes + pad) and a guard byte
     * pattern everywhere, so that writes outside the rows show up.
     */
    static VideoFrame paddedFrame(PixelFormat format, int width, int height, int pad) {
        ByteBuffer[] planes = new ByteBuffer[format.planeCount()];
        int[] strides = new int[format.planeCount()];
        for (int p = 0; p < planes.length; p++) {
            strides[p] = format.planeWidth(p, width) * format.pixelStride(p) + pad;
            planes[p] = ByteBuffer.allocateDirect(strides[p] * format.planeHeight(p, height));
            for (int i = 0; i < planes[p].capacity(); i++) {
                planes[p].put(i, (byte) 0x5a);
            }
        }
        return new VideoFrame(format, width, height, planes, strides);
    }

    static void fillRandom(VideoFrame f, Random random) {
        PixelFormat format = f.format();
        for (int p = 0; p < format.planeCount(); p++) {
            for (int y = 0; y < f.planeHeight(p); y++) {
                for (int x = 0; x < f.planeWidth(p); x++) {
                    for (int c = 0; c < format.pixelStride(p); c++) {
                        f.setSample(p, x, y, c, random.nextInt(256));
                    }
                }
            }
        }
    }

    static int cb(VideoFrame f, int cx, int cy) {
        return f.format() == PixelFormat.NV12 ? f.sample(1, cx, cy, 0) : f.sample(1, cx, cy, 0);
    }

    static int cr(VideoFrame f, int cx, int cy) {
        return f.format() == PixelFormat.NV12 ? f.sample(1, cx, cy, 1) : f.sample(2, cx, cy, 0);
    }

    static void setYuv(VideoFrame f, int x, int y, int yv, int cbv, int crv) {
        f.setSample(0, x, y, 0, yv);
        if (f.format() == PixelFormat.NV12) {
            f.setSample(1, x / 2, y / 2, 0, cbv);
            f.setSample(1, x / 2, y / 2, 1, crv);
        } else {
            f.setSample(1, x / 2, y / 2, 0, cbv);
            f.setSample(2, x / 2, y / 2, 0, crv);
        }
    }

    static int redIndex(PixelFormat f) {
        return f == PixelFormat.RGB || f == PixelFormat.RGBA || f == PixelFormat.RGBX ? 0 : 2;
    }

    /** Every byte outside the plane rows still has the guard pattern. */
    static void assertPaddingUntouched(VideoFrame f) {
        PixelFormat format = f.format();
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = f.planeWidth(p) * format.pixelStride(p);
            for (int y = 0; y < f.planeHeight(p); y++) {
                for (int i = rowBytes; i < f.stride(p); i++) {
                    assertEquals(0x5a, f.plane(p).get(y * f.stride(p) + i) & 0xff, "padding byte written, plane " + p);
                }
            }
        }
    }

    // ------------------------------------------------------------------ independent reference (double precision)

    static double[] k(Matrix m) {
        return switch (m) {
            case BT601 -> new double[] {0.299, 0.114};
            case BT709 -> new double[] {0.2126, 0.0722};
            case BT2020 -> new double[] {0.2627, 0.0593};
            default -> throw new IllegalArgumentException();
        };
    }

    /** Y'CbCr codes (unrounded) of an R'G'B' triple in [0, 1]. */
    static double[] refEncode(double r, double g, double b, Matrix m, boolean full) {
        double kr = k(m)[0];
        double kb = k(m)[1];
        double yv = kr * r + (1 - kr - kb) * g + kb * b;
        double pb = (b - yv) / (2 * (1 - kb));
        double pr = (r - yv) / (2 * (1 - kr));
        return full ? new double[] {255 * yv, 128 + 255 * pb, 128 + 255 * pr}
                : new double[] {16 + 219 * yv, 128 + 224 * pb, 128 + 224 * pr};
    }

    /** Unclamped R'G'B' of 8-bit (possibly interpolated) codes. */
    static double[] refDecode(double y, double cbv, double crv, Matrix m, boolean full) {
        double kr = k(m)[0];
        double kb = k(m)[1];
        double kg = 1 - kr - kb;
        double yv = full ? y / 255 : (y - 16) / 219;
        double pb = (cbv - 128) / (full ? 255 : 224);
        double pr = (crv - 128) / (full ? 255 : 224);
        double r = yv + 2 * (1 - kr) * pr;
        double b = yv + 2 * (1 - kb) * pb;
        double g = (yv - kr * r - kb * b) / kg;
        return new double[] {r, g, b};
    }

    /** Chroma plane value at luma pixel (x, y), upsampled as {@link ChromaUpsampling} documents. */
    static double refChroma(VideoFrame f, boolean red, int x, int y, ChromaUpsampling up) {
        int cw = f.planeWidth(1);
        int ch = f.planeHeight(1);
        if (up == ChromaUpsampling.NEAREST) {
            return red ? cr(f, x / 2, y / 2) : cb(f, x / 2, y / 2);
        }
        int j = x / 2;
        int i = y / 2;
        int jn = Math.max(0, Math.min(cw - 1, (x % 2 == 0) ? j - 1 : j + 1));
        int in = Math.max(0, Math.min(ch - 1, (y % 2 == 0) ? i - 1 : i + 1));
        double sum = 0;
        int[][] taps = {{j, i}, {jn, i}, {j, in}, {jn, in}};
        double[] w = {9 / 16.0, 3 / 16.0, 3 / 16.0, 1 / 16.0};
        for (int t = 0; t < 4; t++) {
            sum += w[t] * (red ? cr(f, taps[t][0], taps[t][1]) : cb(f, taps[t][0], taps[t][1]));
        }
        return sum;
    }

    static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    static List<Arguments> yuvCases() {
        List<Arguments> cases = new ArrayList<>();
        for (PixelFormat f : YUV) {
            for (Matrix m : new Matrix[] {Matrix.BT601, Matrix.BT709, Matrix.BT2020}) {
                for (boolean full : new boolean[] {false, true}) {
                    cases.add(Arguments.of(f, m, full));
                }
            }
        }
        return cases;
    }

    // ------------------------------------------------------------------ known values

    @Test
    void bt601LimitedBlackAndWhite() {
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT601, false));
        for (PixelFormat format : YUV) {
            VideoFrame f = VideoFrame.allocate(format, 2, 2);
            setYuv(f, 0, 0, 16, 128, 128);
            setYuv(f, 1, 0, 16, 128, 128);
            setYuv(f, 0, 1, 235, 128, 128);
            setYuv(f, 1, 1, 235, 128, 128);
            float[] rgb = new float[12];
            c.toPlanarRgb(f, rgb, 0);
            for (int ch = 0; ch < 3; ch++) {
                assertEquals(0f, rgb[ch * 4], 1e-6, "Y=16 is black");
                assertEquals(0f, rgb[ch * 4 + 1], 1e-6, "Y=16 is black");
                assertEquals(1f, rgb[ch * 4 + 2], 1e-6, "Y=235 is white");
                assertEquals(1f, rgb[ch * 4 + 3], 1e-6, "Y=235 is white");
            }
        }
        ColorConverter full = new ColorConverter(new Colorimetry(Matrix.BT601, true));
        VideoFrame f = VideoFrame.allocate(PixelFormat.I420, 2, 1);
        setYuv(f, 0, 0, 0, 128, 128);
        f.setSample(0, 1, 0, 0, 255);
        float[] rgb = new float[6];
        full.toPlanarRgb(f, rgb, 0);
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, rgb, 1e-6f, "full range: Y=0 black, Y=255 white");
    }

    /**
     * 100% primaries in 8-bit limited range: BT.709 (Rec. ITU-R BT.709 colour bars) and BT.601,
     * in both directions.
     */
    @Test
    void primariesMatchTheStandardsTables() {
        int[][][] table = {
            // matrix 709: red, green, blue -> Y, Cb, Cr
            {{63, 102, 240}, {173, 42, 26}, {32, 240, 118}},
            // matrix 601
            {{81, 90, 240}, {145, 54, 34}, {41, 240, 110}},
        };
        Matrix[] matrices = {Matrix.BT709, Matrix.BT601};
        for (int mi = 0; mi < 2; mi++) {
            ColorConverter c = new ColorConverter(new Colorimetry(matrices[mi], false), ChromaUpsampling.NEAREST, 1);
            for (int prim = 0; prim < 3; prim++) {
                float[] rgb = new float[3 * 4];
                for (int px = 0; px < 4; px++) {
                    rgb[prim * 4 + px] = 1f;
                }
                for (PixelFormat format : YUV) {
                    VideoFrame f = VideoFrame.allocate(format, 2, 2);
                    c.fromPlanarRgb(rgb, 0, f);
                    int[] want = table[mi][prim];
                    assertEquals(want[0], f.sample(0, 1, 1, 0), matrices[mi] + " primary " + prim + " Y");
                    assertEquals(want[1], cb(f, 0, 0), matrices[mi] + " primary " + prim + " Cb");
                    assertEquals(want[2], cr(f, 0, 0), matrices[mi] + " primary " + prim + " Cr");
                    float[] back = new float[12];
                    c.toPlanarRgb(f, back, 0);
                    for (int ch = 0; ch < 3; ch++) {
                        assertEquals(ch == prim ? 1f : 0f, back[ch * 4], 0.012f,
                                matrices[mi] + " primary " + prim + " decodes back, channel " + ch);
                    }
                }
            }
        }
    }

    @Test
    void fullRangeJpegRed() {
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT601, true));
        VideoFrame f = VideoFrame.allocate(PixelFormat.NV12, 1, 1);
        c.fromPlanarRgb(new float[] {1, 0, 0}, 0, f);
        assertEquals(76, f.sample(0, 0, 0, 0));
        assertEquals(85, cb(f, 0, 0));
        assertEquals(255, cr(f, 0, 0), "128 + 127.5 rounds to 256 and is clamped");
    }

    @Test
    void rgbMatrixOnYuvUsesTheDefaultForTheHeight() {
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.RGB, false));
        assertEquals(0.299, c.coefficientsFor(480).kr());
        assertEquals(0.2126, c.coefficientsFor(720).kr());
    }

    // ------------------------------------------------------------------ against the double reference

    @ParameterizedTest
    @MethodSource("yuvCases")
    void yuvToRgbMatchesReference(PixelFormat format, Matrix m, boolean full) {
        Random random = new Random(format.ordinal() * 31 + m.ordinal() * 7 + (full ? 1 : 0));
        for (ChromaUpsampling up : ChromaUpsampling.values()) {
            ColorConverter c = new ColorConverter(new Colorimetry(m, full), up, 1);
            for (int[] size : SIZES) {
                VideoFrame f = paddedFrame(format, size[0], size[1], 7);
                fillRandom(f, random);
                int w = size[0];
                int h = size[1];
                float[] rgb = new float[3 * w * h];
                c.toPlanarRgb(f, rgb, 0);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double[] want = refDecode(f.sample(0, x, y, 0), refChroma(f, false, x, y, up),
                                refChroma(f, true, x, y, up), m, full);
                        for (int ch = 0; ch < 3; ch++) {
                            assertEquals(clamp(want[ch]), rgb[ch * w * h + y * w + x], 2e-6,
                                    format + " " + up + " " + w + "x" + h + " at " + x + "," + y + " channel " + ch);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("yuvCases")
    void rgbToYuvMatchesReference(PixelFormat format, Matrix m, boolean full) {
        Random random = new Random(100 + format.ordinal() * 31 + m.ordinal() * 7 + (full ? 1 : 0));
        ColorConverter c = new ColorConverter(new Colorimetry(m, full));
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            float[] rgb = new float[3 * w * h];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = random.nextFloat() * 1.2f - 0.1f; // some values outside [0, 1] to be clamped
            }
            VideoFrame f = paddedFrame(format, w, h, 5);
            c.fromPlanarRgb(rgb, 0, f);
            assertPaddingUntouched(f);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = y * w + x;
                    double[] code = refEncode(clamp(rgb[i]), clamp(rgb[w * h + i]), clamp(rgb[2 * w * h + i]), m, full);
                    assertCode(code[0], f.sample(0, x, y, 0), "Y at " + x + "," + y);
                }
            }
            for (int cy = 0; cy < (h + 1) / 2; cy++) {
                for (int cx = 0; cx < (w + 1) / 2; cx++) {
                    double[] sum = new double[3];
                    int n = 0;
                    for (int y = 2 * cy; y < Math.min(h, 2 * cy + 2); y++) {
                        for (int x = 2 * cx; x < Math.min(w, 2 * cx + 2); x++) {
                            for (int ch = 0; ch < 3; ch++) {
                                sum[ch] += clamp(rgb[ch * w * h + y * w + x]);
                            }
                            n++;
                        }
                    }
                    double[] code = refEncode(sum[0] / n, sum[1] / n, sum[2] / n, m, full);
                    assertCode(code[1], cb(f, cx, cy), "Cb at " + cx + "," + cy + " of " + w + "x" + h);
                    assertCode(code[2], cr(f, cx, cy), "Cr at " + cx + "," + cy + " of " + w + "x" + h);
                }
            }
        }
    }

    /** Rounded to nearest (clamped to 0..255); float arithmetic may pick the other side of an exact tie. */
    static void assertCode(double exact, int got, String what) {
        int want = (int) Math.min(255, Math.floor(exact + 0.5));
        if (Math.abs(exact + 0.5 - Math.rint(exact + 0.5)) < 1e-3) {
            assertTrue(Math.abs(got - want) <= 1, what + ": " + got + " vs " + exact);
        } else {
            assertEquals(want, got, what + " (exact " + exact + ")");
        }
    }

    // ------------------------------------------------------------------ round trips

    @ParameterizedTest
    @EnumSource(names = {"RGB", "BGR", "RGBA", "BGRA", "RGBX", "BGRX"})
    void packedRoundTripIsExact(PixelFormat format) {
        Random random = new Random(format.ordinal());
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, false));
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            VideoFrame in = paddedFrame(format, w, h, 3);
            fillRandom(in, random);
            float[] rgb = new float[3 * w * h + 11];
            c.toPlanarRgb(in, rgb, 11);
            int ri = redIndex(format);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(in.sample(0, x, y, ri) / 255f, rgb[11 + y * w + x], 1e-7f);
                    assertEquals(in.sample(0, x, y, 1) / 255f, rgb[11 + w * h + y * w + x], 1e-7f);
                    assertEquals(in.sample(0, x, y, 2 - ri) / 255f, rgb[11 + 2 * w * h + y * w + x], 1e-7f);
                }
            }
            for (PixelFormat target : PACKED) {
                VideoFrame out = paddedFrame(target, w, h, 2);
                c.fromPlanarRgb(rgb, 11, out);
                assertPaddingUntouched(out);
                int ro = redIndex(target);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertEquals(in.sample(0, x, y, ri), out.sample(0, x, y, ro), "R");
                        assertEquals(in.sample(0, x, y, 1), out.sample(0, x, y, 1), "G");
                        assertEquals(in.sample(0, x, y, 2 - ri), out.sample(0, x, y, 2 - ro), "B");
                        if (target.pixelStride(0) == 4) {
                            assertEquals(255, out.sample(0, x, y, 3), "alpha / padding byte is opaque");
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedRoundingAndClamping() {
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.RGB, true));
        VideoFrame f = VideoFrame.allocate(PixelFormat.RGB, 6, 1);
        float[] r = {-1f, 0f, 0.5f / 255f + 1e-6f, 0.5f / 255f - 1e-6f, 1f, 7f};
        float[] rgb = new float[18];
        System.arraycopy(r, 0, rgb, 0, 6);
        c.fromPlanarRgb(rgb, 0, f);
        int[] want = {0, 0, 1, 0, 255, 255};
        for (int x = 0; x < 6; x++) {
            assertEquals(want[x], f.sample(0, x, 0, 0), "value " + r[x]);
        }
    }

    /**
     * A random frame inside the RGB gamut: random chroma per 2x2 block and, for each pixel, a
     * random luma among those that decode (with nearest chroma) to R'G'B' in [0, 1] with a margin.
     */
    static VideoFrame randomInGamut(PixelFormat format, int w, int h, Matrix m, boolean full, Random random) {
        VideoFrame f = paddedFrame(format, w, h, 9);
        double yLo = full ? 0 : 16;
        double yHi = full ? 255 : 235;
        for (int cy = 0; cy < (h + 1) / 2; cy++) {
            for (int cx = 0; cx < (w + 1) / 2; cx++) {
                while (true) {
                    int cbv = 128 + random.nextInt(121) - 60;
                    int crv = 128 + random.nextInt(121) - 60;
                    // luma range that keeps every channel within [0.01, 0.99]
                    double[] at0 = refDecode(yLo, cbv, crv, m, full);
                    double lo = yLo;
                    double hi = yHi;
                    double perCode = 1 / (yHi - yLo);
                    for (double v : at0) {
                        lo = Math.max(lo, yLo + (0.01 - v) / perCode);
                        hi = Math.min(hi, yLo + (0.99 - v) / perCode);
                    }
                    if (hi - lo < 4) {
                        continue;
                    }
                    for (int y = 2 * cy; y < Math.min(h, 2 * cy + 2); y++) {
                        for (int x = 2 * cx; x < Math.min(w, 2 * cx + 2); x++) {
                            int yv = (int) Math.ceil(lo) + random.nextInt((int) Math.floor(hi) - (int) Math.ceil(lo) + 1);
                            setYuv(f, x, y, yv, cbv, crv);
                        }
                    }
                    break;
                }
            }
        }
        return f;
    }

    @ParameterizedTest
    @MethodSource("yuvCases")
    void yuvRoundTripWithinOneAndTwoCodes(PixelFormat format, Matrix m, boolean full) {
        Random random = new Random(7 + format.ordinal() * 31 + m.ordinal() * 7 + (full ? 1 : 0));
        ColorConverter c = new ColorConverter(new Colorimetry(m, full), ChromaUpsampling.NEAREST, 1);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            VideoFrame in = randomInGamut(format, w, h, m, full, random);
            float[] rgb = new float[3 * w * h];
            c.toPlanarRgb(in, rgb, 0);
            for (PixelFormat target : YUV) {
                VideoFrame out = paddedFrame(target, w, h, 1);
                c.fromPlanarRgb(rgb, 0, out);
                assertPaddingUntouched(out);
                assertYuvClose(in, out, 1, 2, format + "->" + target + " " + m + (full ? " full " : " limited ") + w + "x" + h);
            }
        }
    }

    /** Bilinear chroma is a low-pass filter: the round trip is close on smooth content. */
    @ParameterizedTest
    @EnumSource(names = {"NV12", "I420"})
    void bilinearRoundTripOnSmoothContent(PixelFormat format) {
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, false));
        for (int[] size : new int[][] {{37, 23}, {64, 48}, {5, 3}}) {
            int w = size[0];
            int h = size[1];
            float[] rgb = new float[3 * w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[y * w + x] = 0.2f + 0.6f * (float) (0.5 + 0.5 * Math.sin(x * 0.07 + y * 0.05));
                    rgb[w * h + y * w + x] = 0.3f + 0.4f * (float) (0.5 + 0.5 * Math.cos(x * 0.05 - y * 0.06));
                    rgb[2 * w * h + y * w + x] = 0.1f + 0.8f * (x + y) / 112f; // gentle whatever the size
                }
            }
            VideoFrame a = paddedFrame(format, w, h, 4);
            c.fromPlanarRgb(rgb, 0, a);
            float[] back = new float[rgb.length];
            c.toPlanarRgb(a, back, 0);
            VideoFrame b = paddedFrame(format, w, h, 4);
            c.fromPlanarRgb(back, 0, b);
            assertYuvClose(a, b, 1, 2, format + " bilinear " + w + "x" + h);
        }
    }

    static void assertYuvClose(VideoFrame a, VideoFrame b, int lumaTolerance, int chromaTolerance, String what) {
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                int d = Math.abs(a.sample(0, x, y, 0) - b.sample(0, x, y, 0));
                assertTrue(d <= lumaTolerance, what + ": Y at " + x + "," + y + " off by " + d);
            }
        }
        for (int cy = 0; cy < a.planeHeight(1); cy++) {
            for (int cx = 0; cx < a.planeWidth(1); cx++) {
                int d = Math.max(Math.abs(cb(a, cx, cy) - cb(b, cx, cy)), Math.abs(cr(a, cx, cy) - cr(b, cx, cy)));
                assertTrue(d <= chromaTolerance, what + ": chroma at " + cx + "," + cy + " off by " + d);
            }
        }
    }

    // ------------------------------------------------------------------ regions, buffers, bands, threads

    @Test
    void regionEqualsCropOfWholeFrame() {
        Random random = new Random(3);
        for (PixelFormat format : PixelFormat.values()) {
            for (ChromaUpsampling up : ChromaUpsampling.values()) {
                ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT601, false), up, 1);
                int w = 41;
                int h = 27;
                VideoFrame f = paddedFrame(format, w, h, 6);
                fillRandom(f, random);
                float[] whole = new float[3 * w * h];
                c.toPlanarRgb(f, whole, 0);
                int[][] regions = {{0, 0, w, h}, {3, 5, 10, 7}, {4, 4, 9, 9}, {0, 0, 1, 1}, {40, 26, 1, 1}, {7, 1, 34, 26}};
                for (int[] r : regions) {
                    float[] part = new float[3 * r[2] * r[3] + 2];
                    c.toPlanarRgb(f, r[0], r[1], r[2], r[3], part, 2);
                    for (int ch = 0; ch < 3; ch++) {
                        for (int y = 0; y < r[3]; y++) {
                            for (int x = 0; x < r[2]; x++) {
                                assertEquals(whole[ch * w * h + (r[1] + y) * w + r[0] + x],
                                        part[2 + ch * r[2] * r[3] + y * r[2] + x],
                                        format + " " + up + " region " + java.util.Arrays.toString(r));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void floatBuffersEqualArrays() {
        Random random = new Random(4);
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, true));
        for (PixelFormat format : PixelFormat.values()) {
            int w = 19;
            int h = 13;
            int n = 3 * w * h;
            VideoFrame f = paddedFrame(format, w, h, 2);
            fillRandom(f, random);
            float[] array = new float[n];
            c.toPlanarRgb(f, array, 0);
            FloatBuffer direct = ByteBuffer.allocateDirect(4 * (n + 5)).order(ByteOrder.nativeOrder()).asFloatBuffer();
            c.toPlanarRgb(f, direct, 5);
            FloatBuffer heap = FloatBuffer.wrap(new float[n + 9], 4, n + 5).slice();
            c.toPlanarRgb(f, heap, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(array[i], direct.get(5 + i));
                assertEquals(array[i], heap.get(i));
            }
            VideoFrame a = paddedFrame(format, w, h, 2);
            VideoFrame b = paddedFrame(format, w, h, 2);
            VideoFrame d = paddedFrame(format, w, h, 2);
            c.fromPlanarRgb(array, 0, a);
            c.fromPlanarRgb(direct, 5, b);
            c.fromPlanarRgb(heap, 0, d);
            for (int p = 0; p < format.planeCount(); p++) {
                assertEquals(a.plane(p), b.plane(p), format + " plane " + p);
                assertEquals(a.plane(p), d.plane(p), format + " plane " + p);
            }
        }
    }

    @Test
    void bandsEqualWholeFrame() {
        Random random = new Random(5);
        ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT601, false));
        for (PixelFormat format : PixelFormat.values()) {
            int w = 23;
            int h = 17;
            float[] rgb = new float[3 * w * h];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = random.nextFloat();
            }
            VideoFrame whole = paddedFrame(format, w, h, 3);
            c.fromPlanarRgb(rgb, 0, whole);
            VideoFrame banded = paddedFrame(format, w, h, 3);
            int[] cuts = {0, 4, 10, 16, 17};
            for (int b = 0; b + 1 < cuts.length; b++) {
                int rows = cuts[b + 1] - cuts[b];
                float[] band = new float[1 + 3 * (rows + 2) * w]; // plane stride larger than the band
                int stride = (rows + 2) * w;
                for (int ch = 0; ch < 3; ch++) {
                    System.arraycopy(rgb, ch * w * h + cuts[b] * w, band, 1 + ch * stride, rows * w);
                }
                c.fromPlanarRgbRows(band, 1, stride, banded, cuts[b], rows);
            }
            for (int p = 0; p < format.planeCount(); p++) {
                assertEquals(whole.plane(p), banded.plane(p), format + " plane " + p);
            }
        }
        VideoFrame nv12 = VideoFrame.allocate(PixelFormat.NV12, 8, 8);
        float[] band = new float[3 * 64];
        assertThrows(IllegalArgumentException.class, () -> c.fromPlanarRgbRows(band, 0, 64, nv12, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> c.fromPlanarRgbRows(band, 0, 64, nv12, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> c.fromPlanarRgbRows(band, 0, 64, nv12, 6, 4));
        assertThrows(IllegalArgumentException.class, () -> c.toPlanarRgb(nv12, band, 1));
        assertThrows(IllegalArgumentException.class, () -> c.toPlanarRgb(nv12, 4, 4, 5, 4, band, 0));
    }

    @Test
    void threadsGiveTheSameResult() {
        Random random = new Random(6);
        int w = 721; // 721 x 481 > 2^18 pixels: split across threads
        int h = 481;
        try (ColorConverter three = new ColorConverter(new Colorimetry(Matrix.BT709, false),
                ChromaUpsampling.BILINEAR, 3)) {
            ColorConverter one = new ColorConverter(new Colorimetry(Matrix.BT709, false));
            for (PixelFormat format : PixelFormat.values()) {
                VideoFrame f = paddedFrame(format, w, h, 4);
                fillRandom(f, random);
                float[] a = new float[3 * w * h];
                float[] b = new float[3 * w * h];
                one.toPlanarRgb(f, a, 0);
                three.toPlanarRgb(f, b, 0);
                assertArrayEquals(a, b, format.toString());
                VideoFrame x = paddedFrame(format, w, h, 4);
                VideoFrame y = paddedFrame(format, w, h, 4);
                one.fromPlanarRgb(a, 0, x);
                three.fromPlanarRgb(a, 0, y);
                for (int p = 0; p < format.planeCount(); p++) {
                    assertEquals(x.plane(p), y.plane(p), format + " plane " + p);
                }
            }
        }
    }

    @Test
    void workerFailureReachesTheCaller() {
        try (ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, false), ChromaUpsampling.BILINEAR, 2)) {
            VideoFrame f = VideoFrame.allocate(PixelFormat.RGBA, 1024, 512);
            // a read-only frame: every part fails to write
            ByteBuffer ro = f.plane(0).asReadOnlyBuffer();
            VideoFrame readOnly = new VideoFrame(PixelFormat.RGBA, 1024, 512, new ByteBuffer[] {ro},
                    new int[] {f.stride(0)});
            float[] rgb = new float[3 * 1024 * 512];
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> c.fromPlanarRgb(rgb, 0, readOnly));
            c.fromPlanarRgb(rgb, 0, f); // still usable
            c.close();
            c.fromPlanarRgb(rgb, 0, f); // and after close, on the calling thread
        }
    }

    // ------------------------------------------------------------------ allocation

    static long allocatedBytes(com.sun.management.ThreadMXBean mx, long[] ids) {
        long sum = 0;
        for (long v : mx.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, v);
        }
        return sum;
    }

    @Test
    void steadyStateAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "needs com.sun.management.ThreadMXBean");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        mx.setThreadAllocatedMemoryEnabled(true);
        for (int threads : new int[] {1, 2}) {
            int w = threads == 1 ? 96 : 720;
            int h = threads == 1 ? 54 : 400;
            try (ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, false),
                    ChromaUpsampling.BILINEAR, threads)) {
                VideoFrame[] frames = new VideoFrame[PixelFormat.values().length];
                for (PixelFormat format : PixelFormat.values()) {
                    frames[format.ordinal()] = paddedFrame(format, w, h, 4);
                    fillRandom(frames[format.ordinal()], new Random(format.ordinal()));
                }
                float[] rgb = new float[3 * w * h];
                FloatBuffer direct = ByteBuffer.allocateDirect(12 * w * h).order(ByteOrder.nativeOrder()).asFloatBuffer();
                Runnable all = () -> {
                    for (VideoFrame f : frames) {
                        c.toPlanarRgb(f, rgb, 0);
                        c.fromPlanarRgb(rgb, 0, f);
                        c.toPlanarRgb(f, direct, 0);
                        c.fromPlanarRgb(direct, 0, f);
                        c.toPlanarRgb(f, 1, 1, w / 2, h / 2, rgb, 0);
                    }
                };
                for (int i = 0; i < 5; i++) {
                    all.run(); // first calls size the scratch rows
                }
                int rounds = threads == 1 ? 100 : 25;
                long calls = (long) rounds * frames.length * 5;
                long[] ids = mx.getAllThreadIds(); // includes the converter's workers
                long before = allocatedBytes(mx, ids);
                for (int i = 0; i < rounds; i++) {
                    all.run();
                }
                long after = allocatedBytes(mx, ids);
                // one object per call (16 bytes at least) would exceed calls * 16 bytes; allow a few KB of noise
                long bound = Math.min(16 * 1024, calls * 16 / 2);
                assertTrue(after - before < bound, threads + " threads: " + (after - before) + " bytes allocated in "
                        + calls + " conversions, bound " + bound);
            }
        }
    }

    // ------------------------------------------------------------------ speed (reported, loosely bounded)

    @Test
    void fullHdNv12Timing() {
        int w = 1920;
        int h = 1080;
        VideoFrame f = VideoFrame.allocate(PixelFormat.NV12, w, h);
        fillRandom(f, new Random(8));
        float[] rgb = new float[3 * w * h];
        FloatBuffer direct = ByteBuffer.allocateDirect(12 * w * h).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder report = new StringBuilder("1920x1080 NV12, BT.709 limited, bilinear chroma (best of 15 after warm-up), "
                + cores + " cores:\n");
        for (int threads : new int[] {1, Math.max(2, cores)}) {
            try (ColorConverter c = new ColorConverter(new Colorimetry(Matrix.BT709, false), ChromaUpsampling.BILINEAR,
                    threads)) {
                for (int i = 0; i < 25; i++) {
                    c.toPlanarRgb(f, rgb, 0);
                    c.fromPlanarRgb(rgb, 0, f);
                    c.toPlanarRgb(f, direct, 0);
                    c.fromPlanarRgb(direct, 0, f);
                }
                long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
                for (int i = 0; i < 15; i++) {
                    long t0 = System.nanoTime();
                    c.toPlanarRgb(f, rgb, 0);
                    long t1 = System.nanoTime();
                    c.fromPlanarRgb(rgb, 0, f);
                    long t2 = System.nanoTime();
                    c.toPlanarRgb(f, direct, 0);
                    long t3 = System.nanoTime();
                    c.fromPlanarRgb(direct, 0, f);
                    long t4 = System.nanoTime();
                    best[0] = Math.min(best[0], t1 - t0);
                    best[1] = Math.min(best[1], t2 - t1);
                    best[2] = Math.min(best[2], t3 - t2);
                    best[3] = Math.min(best[3], t4 - t3);
                }
                report.append(String.format("  threads %d: NV12->float[] %.2f ms, float[]->NV12 %.2f ms,"
                        + " NV12->direct FloatBuffer %.2f ms, direct FloatBuffer->NV12 %.2f ms%n", threads,
                        best[0] / 1e6, best[1] / 1e6, best[2] / 1e6, best[3] / 1e6));
                // loose bound: catches a pathological regression, not a benchmark
                assertTrue(best[0] < 200_000_000L && best[1] < 200_000_000L, report.toString());
            }
        }
        System.out.print(report);
    }
}
