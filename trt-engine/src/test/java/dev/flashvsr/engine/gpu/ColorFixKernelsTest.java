package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import dev.flashvsr.engine.flashvsr.pixels.ColorFix;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The colour-fix kernels (color_fix.cu, run on the host CUDA emulation) against the CPU's
 * {@link ColorFix} on random frames of odd sizes: WAVELET and no fix bit-equal, ADAIN within a
 * thousandth of an 8-bit level.
 */
class ColorFixKernelsTest {
    /** ADAIN's bound: a thousandth of an 8-bit level of a value in [-1, 1]. */
    private static final double ADAIN_TOLERANCE = 2.0 / 255 / 1000;

    @ParameterizedTest
    @CsvSource({"ADAIN, 37, 23", "ADAIN, 1, 1", "WAVELET, 37, 23", "WAVELET, 5, 41", "NONE, 19, 7"})
    void matchesTheCpuColourFix(DiffusionOptions.ColorFix method, int width, int height) throws Exception {
        Random random = new Random(width * 31L + height);
        int count = 3 * width * height;
        float[] frame = new float[count];
        float[] reference = new float[count];
        for (int i = 0; i < count; i++) {
            frame[i] = random.nextFloat() * 2.4f - 1.2f; // past [-1, 1]: the clamp is tested too
            reference[i] = random.nextFloat() * 1.6f - 0.9f;
        }
        float[] expected = frame.clone();
        if (method == DiffusionOptions.ColorFix.NONE) {
            for (int i = 0; i < count; i++) {
                expected[i] = Math.max(-1f, Math.min(1f, expected[i]));
            }
        } else {
            new ColorFix(ColorFix.Method.valueOf(method.name()), width, height).apply(frame, reference, expected);
        }
        float[] actual = onGpu(method, width, height, frame, reference);
        double worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        if (method == DiffusionOptions.ColorFix.ADAIN) {
            // only the order of the double sums differs: far below a level
            assertTrue(worst < ADAIN_TOLERANCE, "ADAIN differs by " + worst);
        } else {
            assertTrue(worst == 0, method + " differs by " + worst + ": its float operations are ColorFix's");
        }
    }

    private static float[] onGpu(DiffusionOptions.ColorFix method, int width, int height, float[] frame,
            float[] reference) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        long bytes = 4L * frame.length;
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0);
                CudaStream stream = device.newStream();
                PinnedBuffer staging = device.pinned(bytes);
                DeviceBuffer x = device.allocate(bytes);
                DeviceBuffer ref = device.allocate(bytes);
                ColorFixKernels kernels = new ColorFixKernels(device, method, width, height)) {
            staging.buffer().asFloatBuffer().put(frame);
            stream.upload(staging, x, bytes);
            stream.synchronize();
            staging.buffer().asFloatBuffer().put(reference);
            stream.upload(staging, ref, bytes);
            kernels.apply(stream, x.address(), ref.address(), x.address());
            stream.download(x, staging, bytes);
            stream.synchronize();
            float[] out = new float[frame.length];
            staging.buffer().asFloatBuffer().get(out);
            return out;
        }
    }
}
