package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each precision FlashVSR runs on the CPU, end to end through {@code Model.open} on the tiny
 * golden model (upstream-reference mode, the golden noise), against upstream's float32 golden
 * frames: max |diff|, mean |diff| and PSNR of the 8-bit frames, each within a stated tolerance.
 * int8 is calibrated first on a stream other than the golden clip (only the golden clip exists,
 * so: its frames mirrored left to right and played backwards, then forwards).
 */
class FlashVsrPrecisionTest {
    @TempDir
    static Path dir;

    static GoldenPipeline golden;
    static Path pkg;

    /** The error of one precision's output frames against the golden frames, over all 8-bit values. */
    record FrameError(int maxAbs, double meanAbs, double psnr) {
        static FrameError of(List<byte[]> got, GoldenPipeline golden) {
            int row = 3 * golden.outputWidth();
            int worst = 0;
            long sum = 0;
            double squares = 0;
            long values = 0;
            for (int f = 0; f < got.size(); f++) {
                byte[] want = golden.expectedFrame(f, row);
                for (int i = 0; i < want.length; i++) {
                    int d = Math.abs((got.get(f)[i] & 0xff) - (want[i] & 0xff));
                    worst = Math.max(worst, d);
                    sum += d;
                    squares += (double) d * d;
                    values++;
                }
            }
            double mse = squares / values;
            return new FrameError(worst, (double) sum / values, 10 * Math.log10(255.0 * 255.0 / mse));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max |diff| %d, mean |diff| %.3f, PSNR %.1f dB", maxAbs, meanAbs, psnr);
        }
    }

    @BeforeAll
    static void importAndCalibrate() throws Exception {
        golden = GoldenPipeline.load(GoldenData.root());
        pkg = dir.resolve("tiny");
        golden.importPackage(pkg);
        List<VideoFrame> stream = new ArrayList<>();
        for (int i = 0; i < FlashVsrCalibration.MIN_FRAMES; i++) {
            int index = i < golden.frames() ? golden.frames() - 1 - i : i - golden.frames() + 1;
            stream.add(mirrored(golden.lowResFrame(index, 3 * golden.width()), golden.width(), golden.height()));
        }
        FlashVsrCalibration.run(pkg, golden.run().scale(), stream, FlashVsrCalibration.Method.MAX,
                OpenProgress.NONE);
    }

    /** A frame of {@code rgb} rows flipped left to right. */
    static VideoFrame mirrored(byte[] rgb, int width, int height) {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int from = 3 * (y * width + x);
                int to = y * frame.stride(0) + 3 * (width - 1 - x);
                frame.plane(0).put(to, rgb[from]).put(to + 1, rgb[from + 1]).put(to + 2, rgb[from + 2]);
            }
        }
        return frame;
    }

    private static SessionOptions reference(Precision precision) {
        return new SessionOptions(Backend.AUTO, 0, 0, 0, new DiffusionOptions(DiffusionOptions.ColorFix.ADAIN, true, 0,
                Optional.of(golden.noiseFile()))).withPrecision(precision);
    }

    private static List<byte[]> runGolden(StreamingSession session) throws EngineException {
        StreamSpec spec = session.spec();
        List<byte[]> outputs = new ArrayList<>();
        dev.flashvsr.engine.FrameSink sink = renderer -> FlashVsrPipelineTest.collect(renderer, spec, outputs);
        for (int i = 0; i < golden.frames(); i++) {
            VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, golden.width(), golden.height());
            frame.plane(0).put(0, golden.lowResFrame(i, frame.stride(0)));
            session.push(frame, sink);
        }
        session.drain(sink);
        return outputs;
    }

    private static FrameError errorOf(Precision precision) throws EngineException {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, golden.width(), golden.height(), golden.run().scale());
        try (Model model = Models.resolve(pkg.toString());
                StreamingSession session = model.open(spec, reference(precision))) {
            List<byte[]> outputs = runGolden(session);
            assertEquals(golden.outputFrames(), outputs.size());
            FrameError error = FrameError.of(outputs, golden);
            System.out.printf("FlashVSR %s vs the fp32 golden run: %s%n", precision.nick(), error);
            return error;
        }
    }

    @Test
    void fp32ReproducesTheGoldenRun() throws Exception {
        FrameError e = errorOf(Precision.FP32);
        assertTrue(e.maxAbs() <= 1, e.toString());
    }

    /**
     * fp16: 11 significant bits in the projector, DiT and decoder; measured max |diff| 1, mean
     * 0.064, PSNR 60.1 dB.
     */
    @Test
    void fp16StaysWithinItsTolerance() throws Exception {
        FrameError e = errorOf(Precision.FP16);
        assertTrue(e.maxAbs() <= 3 && e.meanAbs() <= 0.2 && e.psnr() >= 55, e.toString());
    }

    /**
     * int8: W8A8 DiT Linears (max calibration), the rest float32; measured max |diff| 3, mean
     * 0.143, PSNR 56.6 dB.
     */
    @Test
    void int8StaysWithinItsTolerance() throws Exception {
        FrameError e = errorOf(Precision.INT8);
        assertTrue(e.maxAbs() <= 8 && e.meanAbs() <= 0.5 && e.psnr() >= 48, e.toString());
    }

    @Test
    void theModelOffersFp32Fp16AndAfterCalibrationInt8AndAutoIsFp32() throws Exception {
        try (Model model = Models.resolve(pkg.toString())) {
            assertEquals(List.of(Precision.FP32, Precision.FP16, Precision.INT8),
                    List.copyOf(model.precisions(golden.run().scale())));
            assertEquals(Precision.FP32, model.resolvePrecision(Precision.AUTO, golden.run().scale()));
        }
    }

    @Test
    void bf16IsRefusedOnTheCpuNamingThePrecisionsThereAre() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, golden.width(), golden.height(), golden.run().scale());
        try (Model model = Models.resolve(pkg.toString())) {
            EngineException e = assertThrows(EngineException.class, () -> model.open(spec,
                    reference(Precision.BF16)));
            assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains("fp32")
                    && e.getMessage().contains("fp16") && e.getMessage().contains("int8"), e.getMessage());
        }
    }

    @Test
    void anUncalibratedPackageHasNoInt8() throws Exception {
        Path plain = dir.resolve("plain");
        golden.importPackage(plain);
        StreamSpec spec = new StreamSpec(PixelFormat.RGB, golden.width(), golden.height(), golden.run().scale());
        try (Model model = Models.resolve(plain.toString())) {
            assertEquals(Set.of(Precision.FP32, Precision.FP16), model.precisions(golden.run().scale()));
            EngineException e = assertThrows(EngineException.class, () -> model.open(spec,
                    reference(Precision.INT8)));
            assertTrue(e.getMessage().contains("int8") && e.getMessage().contains("fp32")
                    && e.getMessage().contains("fp16"), e.getMessage());
        }
        EngineException export = assertThrows(EngineException.class, () -> FlashVsrImport.exportGraphs(plain,
                golden.outputWidth(), golden.outputHeight(), Precision.INT8, line -> { }));
        assertTrue(export.getMessage().contains("has no int8 scales"), export.getMessage());
        assertTrue(export.describe().contains("Calibrate"), export.describe());
    }
}
