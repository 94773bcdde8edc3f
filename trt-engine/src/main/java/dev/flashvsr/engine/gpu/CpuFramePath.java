package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;

/**
 * What {@link CudaBicubicSession} computes, on the CPU with the code the kernels replace: the frame
 * to planar FP32 R'G'B' ({@link ColorConverter}), {@link FloatBicubic}, and back to 8 bits. The
 * reference the GPU frame path is checked against.
 */
public final class CpuFramePath {
    private CpuFramePath() {
    }

    static VideoFrame upscale(VideoFrame frame, Colorimetry colorimetry, int scale) {
        int w = frame.width();
        int h = frame.height();
        float[] planar = new float[PlanarImage.CHANNELS * w * h];
        VideoFrame out = VideoFrame.allocate(frame.format(), scale * w, scale * h);
        try (ColorConverter cpu = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1)) {
            cpu.toPlanarRgb(frame, planar, 0);
            cpu.fromPlanarRgb(FloatBicubic.upscale(planar, PlanarImage.CHANNELS, h, w, scale), 0, out);
        }
        return out;
    }

    /** The largest difference of any sample of two frames of one format and size, in levels. */
    public static int maxDifference(VideoFrame a, VideoFrame b) {
        int worst = 0;
        for (int difference : differences(a, b)) {
            worst = Math.max(worst, difference);
        }
        return worst;
    }

    /** The mean difference over all samples of two frames of one format and size, in levels. */
    public static double meanDifference(VideoFrame a, VideoFrame b) {
        int[] differences = differences(a, b);
        long sum = 0;
        for (int difference : differences) {
            sum += difference;
        }
        return differences.length == 0 ? 0 : (double) sum / differences.length;
    }

    /** |a - b| of every sample, plane by plane. */
    private static int[] differences(VideoFrame a, VideoFrame b) {
        int count = 0;
        for (int p = 0; p < a.format().planeCount(); p++) {
            count += a.planeHeight(p) * a.planeWidth(p) * a.format().pixelStride(p);
        }
        int[] differences = new int[count];
        int at = 0;
        for (int p = 0; p < a.format().planeCount(); p++) {
            for (int y = 0; y < a.planeHeight(p); y++) {
                for (int x = 0; x < a.planeWidth(p); x++) {
                    for (int c = 0; c < a.format().pixelStride(p); c++) {
                        differences[at++] = Math.abs(a.sample(p, x, y, c) - b.sample(p, x, y, c));
                    }
                }
            }
        }
        return differences;
    }
}
