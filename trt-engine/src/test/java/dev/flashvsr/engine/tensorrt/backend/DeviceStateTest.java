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
import dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType;
import dev.flashvsr.engine.weights.HalfFloats;
import org.junit.jupiter.api.Test;

/**
 * FlashVSR's state on the (host-emulated) GPU: outputs written to a spare and swapped in by
 * address, values checked against what a graph reads, and the RoPE rebase's round trip in FLOAT
 * and HALF. Under {@link HostCuda} device addresses are host memory, so the test reads them.
 */
class DeviceStateTest {

    /** What a test does with a state on a new emulated GPU. */
    private interface StateCheck {
        void run(DeviceState state, Staging staging) throws Exception;
    }

    /** Runs {@code check}, then checks that everything on the GPU was released. */
    private static void withState(StateCheck check) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0)) {
            CudaStream stream = device.newStream();
            try (Staging staging = new Staging(device, stream);
                    DeviceState state = new DeviceState(device, stream, staging)) {
                check.run(state, staging);
            }
        }
        assertEquals("", cuda.live());
    }

    @Test
    void anOutputBecomesTheValueByAddressAndTheOldValueTheNextSpare() throws Exception {
        withState((state, staging) -> {
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

    @Test
    void aRebaseRewritesFloatAndHalfKeysOnTheGpu() throws Exception {
        withState((state, staging) -> {
            state.put("k_cache_0", new float[] {1, -2, 3.5f}, new long[] {3});
            state.put("v_cache_0", new float[] {7, 7, 7}, new long[] {3});
            long half = state.output("k_cache_1", 4);
            new Pointer(half).setShort(0, HalfFloats.floatToFloat16(0.5f));
            new Pointer(half).setShort(2, HalfFloats.floatToFloat16(-1.25f));
            state.commit("k_cache_1", DataType.HALF, 4);

            state.rewriteStartingWith("k_cache_", keys -> {
                for (int i = 0; i < keys.capacity(); i++) {
                    keys.put(i, keys.get(i) * 2);
                }
            });
            staging.synchronize();

            assertArrayEquals(new float[] {2, -4, 7}, new Pointer(state.input("k_cache_0", DataType.FLOAT, 12, "t"))
                    .getFloatArray(0, 3));
            assertArrayEquals(new float[] {7, 7, 7}, new Pointer(state.input("v_cache_0", DataType.FLOAT, 12, "t"))
                    .getFloatArray(0, 3), "values are rewritten by prefix only");
            short[] halves = new Pointer(state.input("k_cache_1", DataType.HALF, 4, "t")).getShortArray(0, 2);
            assertEquals(1f, HalfFloats.float16ToFloat(halves[0]));
            assertEquals(-2.5f, HalfFloats.float16ToFloat(halves[1]));
        });
    }
}
