package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.flashvsr.KeyCacheRebase;
import dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FlashVSR's state on the (host-emulated) GPU: outputs written to a spare and swapped in by
 * address, values checked against what a graph reads, and the RoPE rebase on the GPU in FLOAT
 * and HALF. Under {@link HostCuda} device addresses are host memory, so the test reads them.
 */
class DeviceStateTest {

    /** What a test does with a state on a new emulated GPU. */
    private interface StateCheck {
        void run(DeviceState state, Staging staging, HostCuda cuda) throws Exception;
    }

    /** Runs {@code check}, then checks that everything on the GPU was released. */
    private static void withState(StateCheck check) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0)) {
            CudaStream stream = device.newStream();
            try (Staging staging = new Staging(device, stream);
                    DeviceState state = new DeviceState(device, stream, staging)) {
                check.run(state, staging, cuda);
            }
        }
        assertEquals("", cuda.live());
    }

    @Test
    void anOutputBecomesTheValueByAddressAndTheOldValueTheNextSpare() throws Exception {
        withState((state, staging, cuda) -> {
            state.put("memory", new float[] {1, 2, 3, 4}, new long[] {1, 4});
            long first = state.input("memory", DataType.FLOAT, 16, "test graph");
            long written = state.output("memory", 16);
            assertNotEquals(first, written, "a run never writes the buffer it reads");
            state.commit("memory", DataType.FLOAT, 16);
            assertEquals(written, state.input("memory", DataType.FLOAT, 16, "test graph"));
            assertEquals(first, state.output("memory", 16), "the old value's buffer is the next spare");
            EngineException wrongSize = assertThrows(EngineException.class,
                    () -> state.input("memory", DataType.HALF, 8, "test graph"));
            assertTrue(wrongSize.getMessage().contains("reads state 'memory' as 8 bytes of HALF but it holds 16 "
                    + "bytes of FLOAT"), wrongSize.getMessage());
            state.clear();
            EngineException cleared = assertThrows(EngineException.class,
                    () -> state.input("memory", DataType.FLOAT, 16, "test graph"));
            assertTrue(cleared.getMessage().contains("no earlier step produced"), cleared.getMessage());
        });
    }

    /**
     * The rebase kernel against KeyCacheRebase on random caches of 3 heads (an odd count) x 5
     * tokens: FLOAT bit-equal, HALF as the host's rotation rounded to FP16 (bit-equal too); values
     * of another prefix untouched, and nothing downloaded.
     */
    @Test
    void aRebaseRotatesFloatAndHalfKeysOnTheGpuAsKeyCacheRebase() throws Exception {
        int headDim = 12;
        int values = 3 * 5 * headDim;
        KeyCacheRebase rebase = new KeyCacheRebase(headDim, 6, 10000, 37);
        Random random = new Random(5);
        float[] floats = new float[values];
        short[] halves = new short[values];
        for (int i = 0; i < values; i++) {
            floats[i] = (float) random.nextGaussian() * 3;
            halves[i] = HalfFloats.floatToFloat16((float) random.nextGaussian() * 3);
        }
        withState((state, staging, cuda) -> {
            state.put("k_cache_0", floats, new long[] {1, 3, 5, headDim});
            state.put("v_cache_0", floats, new long[] {1, 3, 5, headDim});
            long half = state.output("k_cache_1", 2L * values);
            new Pointer(half).write(0, halves, 0, values);
            state.commit("k_cache_1", DataType.HALF, 2L * values);
            long downloaded = cuda.downloadedBytes();

            state.rebaseKeys("k_cache_", rebase);
            staging.synchronize();

            assertEquals(downloaded, cuda.downloadedBytes(), "nothing downloaded");
            FloatBuffer expected = FloatBuffer.wrap(floats.clone());
            rebase.apply(expected);
            assertArrayEquals(expected.array(), new Pointer(state.input("k_cache_0", DataType.FLOAT, 4L * values,
                    "t")).getFloatArray(0, values), "FLOAT keys as KeyCacheRebase's");
            assertArrayEquals(floats, new Pointer(state.input("v_cache_0", DataType.FLOAT, 4L * values, "t"))
                    .getFloatArray(0, values), "values are rotated by prefix only");
            FloatBuffer widened = FloatBuffer.allocate(values);
            for (int i = 0; i < values; i++) {
                widened.put(i, HalfFloats.float16ToFloat(halves[i]));
            }
            rebase.apply(widened);
            short[] expectedHalves = new short[values];
            for (int i = 0; i < values; i++) {
                expectedHalves[i] = HalfFloats.floatToFloat16(widened.get(i));
            }
            assertArrayEquals(expectedHalves, new Pointer(state.input("k_cache_1", DataType.HALF, 2L * values,
                    "t")).getShortArray(0, values), "HALF keys as KeyCacheRebase's, rounded to FP16");
        });
    }
}
