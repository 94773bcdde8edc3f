package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Pointer;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.flashvsr.DecoderLatents;
import dev.flashvsr.engine.weights.HalfFloats;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one step on the (host-emulated) GPU against the host's ({@link DecoderLatents.Host#oneStep}):
 * the same floats, bit for bit, for FLOAT and HALF predictions and latents, on an odd plane. Under
 * {@link HostCuda} device addresses are host memory, so the test writes and reads them directly.
 */
class LatentKernelsTest {
    private static final int CHANNELS = 3;
    private static final int FRAMES = 2;
    private static final int PLANE = 5 * 7;

    @ParameterizedTest
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void theOneStepIsTheHostsBitForBit(boolean predictionHalf, boolean latentsHalf) throws Exception {
        int count = CHANNELS * FRAMES * PLANE;
        Random random = new Random(3);
        float[] noise = new float[count];
        float[] prediction = new float[count];
        for (int i = 0; i < count; i++) {
            noise[i] = (float) random.nextGaussian();
            prediction[i] = (float) random.nextGaussian();
            if (predictionHalf) { // the values a HALF prediction can hold
                prediction[i] = HalfFloats.float16ToFloat(HalfFloats.floatToFloat16(prediction[i]));
            }
        }
        float[] expected = DecoderLatents.Host.oneStep(noise, prediction, CHANNELS, FRAMES, PLANE).values();
        HostCuda cuda = HostCuda.oneGpu();
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0);
                CudaStream stream = device.newStream();
                DeviceBuffer noiseBuffer = device.allocate(4L * count);
                DeviceBuffer predictionBuffer = device.allocate(4L * count);
                DeviceBuffer latents = device.allocate(4L * count)) {
            new Pointer(noiseBuffer.address()).write(0, noise, 0, count);
            Pointer predicted = new Pointer(predictionBuffer.address());
            for (int i = 0; i < count; i++) {
                if (predictionHalf) {
                    predicted.setShort(2L * i, HalfFloats.floatToFloat16(prediction[i]));
                } else {
                    predicted.setFloat(4L * i, prediction[i]);
                }
            }
            new LatentKernels(device).oneStep(stream, noiseBuffer.address(), predictionBuffer.address(),
                    predictionHalf, latents.address(), latentsHalf, CHANNELS, FRAMES, PLANE);
            stream.synchronize();
            Pointer out = new Pointer(latents.address());
            if (latentsHalf) {
                short[] halves = new short[count];
                for (int i = 0; i < count; i++) {
                    halves[i] = HalfFloats.floatToFloat16(expected[i]);
                }
                assertArrayEquals(halves, out.getShortArray(0, count));
            } else {
                assertArrayEquals(expected, out.getFloatArray(0, count));
            }
        }
        assertEquals("", cuda.live());
    }
}
