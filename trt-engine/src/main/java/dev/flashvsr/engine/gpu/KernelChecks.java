package dev.flashvsr.engine.gpu;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.color.ChromaUpsampling;
import dev.flashvsr.engine.color.ColorConverter;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaKernels;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.weights.HalfFloats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The frame kernels on a GPU against the CPU code they replace, on the same frames: every format
 * in every matrix and range, to and from planar FP32 and FP16, bicubic x2 and x4, padding and
 * cropping. Odd frame sizes, so partial blocks and odd chroma edges run.
 */
final class KernelChecks {
    /** Odd in both directions. */
    static final int WIDTH = 333;
    static final int HEIGHT = 187;

    private final CudaDevice device;
    private final CudaStream stream;
    private final DeviceTransfers transfers;
    private final int width;
    private final int height;

    KernelChecks(CudaDevice device, CudaStream stream, int width, int height) {
        this.device = device;
        this.stream = stream;
        this.transfers = new DeviceTransfers(device, stream);
        this.width = width;
        this.height = height;
    }

    /** The colorimetries a format is checked in: each matrix in both ranges for YUV, one for RGB. */
    static List<Colorimetry> colorimetries(PixelFormat format) {
        if (!format.isYuv()) {
            return List.of(Colorimetry.defaultFor(format, HEIGHT));
        }
        List<Colorimetry> all = new ArrayList<>();
        for (Colorimetry.Matrix matrix : List.of(Colorimetry.Matrix.BT601, Colorimetry.Matrix.BT709,
                Colorimetry.Matrix.BT2020)) {
            all.add(new Colorimetry(matrix, false));
            all.add(new Colorimetry(matrix, true));
        }
        return all;
    }

    /**
     * 8-bit frames to planar: FP32 must equal the CPU converter within 1e-6, FP16 must be the CPU
     * value rounded to half (1 unit in the last place allowed).
     */
    CheckResult toPlanar() throws CudaException {
        double worstFloat = 0;
        int worstHalfUlps = 0;
        int cases = 0;
        for (PixelFormat format : PixelFormat.values()) {
            for (Colorimetry colorimetry : colorimetries(format)) {
                VideoFrame frame = randomFrame(format, width, height, cases);
                float[] expected = cpuPlanar(frame, colorimetry);
                float[] got = (float[]) gpuPlanar(frame, colorimetry, false);
                short[] gotHalf = (short[]) gpuPlanar(frame, colorimetry, true);
                for (int i = 0; i < expected.length; i++) {
                    worstFloat = Math.max(worstFloat, Math.abs(expected[i] - got[i]));
                    int ulps = Math.abs(HalfFloats.floatToFloat16(expected[i]) - gotHalf[i]);
                    worstHalfUlps = Math.max(worstHalfUlps, ulps);
                }
                cases++;
            }
        }
        return CheckResult.of("color-to-planar", worstFloat <= 1e-6 && worstHalfUlps <= 1, String.format(Locale.ROOT,
                "%d format/matrix/range cases at %dx%d: FP32 max |gpu-cpu| %.3g (limit 1e-6), FP16 max %d ulp"
                        + " (limit 1)", cases, width, height, worstFloat, worstHalfUlps));
    }

    /** Planar FP32 to 8-bit frames: every sample within 1 level of the CPU converter's. */
    CheckResult fromPlanar() throws CudaException {
        int worst = 0;
        int cases = 0;
        for (PixelFormat format : PixelFormat.values()) {
            for (Colorimetry colorimetry : colorimetries(format)) {
                float[] planar = cpuPlanar(randomFrame(format, width, height, 100 + cases), colorimetry);
                VideoFrame expected = VideoFrame.allocate(format, width, height);
                try (ColorConverter cpu = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1)) {
                    cpu.fromPlanarRgb(planar, 0, expected);
                }
                VideoFrame got = VideoFrame.allocate(format, width, height);
                PackedFrameLayout layout = new PackedFrameLayout(format, width, height);
                try (FrameKernels kernels = new FrameKernels(device.kernels(), colorimetry);
                        DeviceBuffer source = transfers.uploadFloats(planar);
                        DeviceBuffer out = device.allocate(layout.bytes())) {
                    kernels.fromPlanar(stream, PlanarImage.tight(source, false, width, height), layout.onDevice(out));
                    stream.synchronize();
                    transfers.downloadFrame(out, layout, got);
                }
                worst = Math.max(worst, CpuFramePath.maxDifference(expected, got));
                cases++;
            }
        }
        return CheckResult.of("planar-to-color", worst <= 1, String.format(Locale.ROOT,
                "%d cases at %dx%d: max |gpu-cpu| %d levels (limit 1)", cases, width, height, worst));
    }

    /** Bicubic x2 and x4 of planar FP32 images: within 1e-6 of FloatBicubic. */
    CheckResult bicubic() throws CudaException {
        double worst = 0;
        for (int scale : new int[] {2, 4}) {
            float[] planar = randomPlanar(width, height, scale);
            float[] expected = FloatBicubic.upscale(planar, PlanarImage.CHANNELS, height, width, scale);
            try (FrameKernels kernels = new FrameKernels(device.kernels(), Colorimetry.defaultFor(PixelFormat.RGB,
                    height)); DeviceBuffer source = transfers.uploadFloats(planar);
                    DeviceBuffer out = device.allocate(4L * expected.length)) {
                kernels.bicubic(stream, PlanarImage.tight(source, false, width, height),
                        PlanarImage.tight(out, false, scale * width, scale * height), scale);
                stream.synchronize();
                float[] got = transfers.downloadFloats(out, expected.length);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - got[i]));
                }
            }
        }
        return CheckResult.of("bicubic", worst <= 1e-6, String.format(Locale.ROOT,
                "x2 and x4 of %dx%d planar FP32: max |gpu-cpu| %.3g (limit 1e-6)", width, height, worst));
    }

    /**
     * Padding to the next multiple of 128 with edges repeated and {@code v * 2 - 1}, then cropping
     * back with {@code (v + 1) * 0.5}: FlashVSR's frame preparation, within 1e-6 of Java's arithmetic.
     */
    CheckResult padAndCrop() throws CudaException {
        int paddedWidth = (width + 127) / 128 * 128;
        int paddedHeight = (height + 127) / 128 * 128;
        float[] planar = randomPlanar(width, height, 7);
        double worst = 0;
        try (DeviceBuffer source = transfers.uploadFloats(planar);
                DeviceBuffer padded = device.allocate(PlanarImage.bytes(paddedWidth, paddedHeight, false));
                DeviceBuffer cropped = device.allocate(PlanarImage.bytes(width, height, false))) {
            launch(CudaKernels.PAD_PLANAR, paddedWidth, paddedHeight, source, 0, width, width * height, width, height,
                    padded, 0, paddedWidth, paddedWidth * paddedHeight, paddedWidth, paddedHeight,
                    PlanarImage.CHANNELS, 2f, -1f);
            launch(CudaKernels.CROP_PLANAR, width, height, padded, 0, paddedWidth, paddedWidth * paddedHeight, 0, 0,
                    cropped, 0, width, width * height, width, height, PlanarImage.CHANNELS, 1f, 0.5f);
            stream.synchronize();
            float[] gotPadded = transfers.downloadFloats(padded, PlanarImage.CHANNELS * paddedWidth * paddedHeight);
            float[] gotCropped = transfers.downloadFloats(cropped, planar.length);
            for (int c = 0; c < PlanarImage.CHANNELS; c++) {
                for (int y = 0; y < paddedHeight; y++) {
                    for (int x = 0; x < paddedWidth; x++) {
                        float v = planar[(c * height + Math.min(y, height - 1)) * width + Math.min(x, width - 1)];
                        float expected = v * 2 - 1;
                        float got = gotPadded[(c * paddedHeight + y) * paddedWidth + x];
                        worst = Math.max(worst, Math.abs(expected - got));
                        if (y < height && x < width) {
                            float back = (expected + 1) * 0.5f;
                            worst = Math.max(worst, Math.abs(back - gotCropped[(c * height + y) * width + x]));
                        }
                    }
                }
            }
        }
        return CheckResult.of("pad-crop", worst <= 1e-6, String.format(Locale.ROOT,
                "%dx%d padded to %dx%d and cropped back: max |gpu-cpu| %.3g (limit 1e-6)", width, height, paddedWidth,
                paddedHeight, worst));
    }

    private void launch(CudaKernels.Kernel kernel, int threadsX, int threadsY, Object... args) throws CudaException {
        device.kernels().launchOver(kernel, threadsX, threadsY, FrameKernels.BLOCK, FrameKernels.BLOCK, stream, args);
    }

    /** The frame as planar FP32 (float[]) or FP16 bits (short[]), converted on the GPU. */
    private Object gpuPlanar(VideoFrame frame, Colorimetry colorimetry, boolean half) throws CudaException {
        PackedFrameLayout layout = new PackedFrameLayout(frame.format(), frame.width(), frame.height());
        int count = PlanarImage.CHANNELS * frame.width() * frame.height();
        try (FrameKernels kernels = new FrameKernels(device.kernels(), colorimetry);
                DeviceBuffer input = transfers.uploadFrame(frame, layout);
                DeviceBuffer planar = device.allocate(PlanarImage.bytes(frame.width(), frame.height(), half))) {
            kernels.toPlanar(stream, layout.onDevice(input), PlanarImage.tight(planar, half, frame.width(),
                    frame.height()));
            stream.synchronize();
            return half ? transfers.downloadHalves(planar, count) : transfers.downloadFloats(planar, count);
        }
    }

    static float[] cpuPlanar(VideoFrame frame, Colorimetry colorimetry) {
        float[] planar = new float[PlanarImage.CHANNELS * frame.width() * frame.height()];
        try (ColorConverter cpu = new ColorConverter(colorimetry, ChromaUpsampling.BILINEAR, 1)) {
            cpu.toPlanarRgb(frame, planar, 0);
        }
        return planar;
    }

    /** Every byte of every plane random (seeded), so all codes and chroma combinations occur. */
    static VideoFrame randomFrame(PixelFormat format, int width, int height, long seed) {
        VideoFrame frame = VideoFrame.allocate(format, width, height);
        SplittableRandom random = new SplittableRandom(seed);
        for (int p = 0; p < format.planeCount(); p++) {
            byte[] bytes = new byte[frame.plane(p).capacity()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
            frame.plane(p).put(0, bytes);
        }
        return frame;
    }

    /** Planar values in [-0.25, 1.25]: past both ends, as a model's output can be. */
    static float[] randomPlanar(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] planar = new float[PlanarImage.CHANNELS * width * height];
        for (int i = 0; i < planar.length; i++) {
            planar[i] = (float) (random.nextDouble() * 1.5 - 0.25);
        }
        return planar;
    }
}
