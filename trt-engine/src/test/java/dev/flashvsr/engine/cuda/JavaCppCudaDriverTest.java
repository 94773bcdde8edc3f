package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * What of {@link JavaCppCudaDriver} runs without a GPU: the pinned-memory view is JavaCPP alone.
 * The driver calls themselves need the NVIDIA driver (see CudaRuntimeTest for their absence).
 */
class JavaCppCudaDriverTest {
    @Test
    void theHostViewCoversExactlyTheMemoryAtTheAddress() {
        try (Memory memory = new Memory(64)) {
            for (int i = 0; i < 64; i++) {
                memory.setByte(i, (byte) (i * 3));
            }
            ByteBuffer view = JavaCppCudaDriver.directView(com.sun.jna.Pointer.nativeValue(memory), 64);
            assertEquals(64, view.capacity());
            assertEquals(ByteOrder.nativeOrder(), view.order());
            assertEquals((byte) 30, view.get(10));
            view.put(63, (byte) 0x42);
            assertEquals(0x42, memory.getByte(63));
        }
    }
}
