package dev.flashvsr.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cpu.CpuProvider;
import org.junit.jupiter.api.Test;

/** Frames say in their type where their planes live, and sessions on the CPU refuse device frames clearly. */
class FrameMemoryTest {
    private static final FrameMemory.Device NV12_ON_GPU_1 = new FrameMemory.Device(1,
            new long[] {0x7f0000001000L, 0x7f0000100000L}, new long[] {64 * 48, 64 * 24});

    @Test
    void aHostFrameHandsOutItsBuffers() {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.I420, 7, 5);
        assertInstanceOf(FrameMemory.Host.class, frame.memory());
        assertEquals(frame.stride(0) * 5, frame.plane(0).capacity());
    }

    @Test
    void aDeviceFrameKeepsItsAddressesAndRefusesHostAccess() {
        VideoFrame frame = new VideoFrame(PixelFormat.NV12, 64, 48, NV12_ON_GPU_1, new int[] {64, 64});
        FrameMemory.Device device = assertInstanceOf(FrameMemory.Device.class, frame.memory());
        assertEquals(0x7f0000100000L, device.address(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> frame.plane(0));
        assertTrue(e.getMessage().contains("memory of CUDA device 1"), e.getMessage());
    }

    @Test
    void aDeviceFrameMustHoldItsRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VideoFrame(PixelFormat.NV12, 64, 64, NV12_ON_GPU_1, new int[] {64, 64}));
        assertTrue(e.getMessage().contains("plane 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FrameMemory.Device(0, new long[] {0}, new long[] {16}));
    }

    @Test
    void aCpuSessionRefusesADeviceFrameNamingTheDevice() throws EngineException {
        try (Model model = new CpuProvider().load(new ModelDefinition.Bicubic(), Precision.FP32, 0);
                StreamingSession session = model.open(new StreamSpec(PixelFormat.NV12, 64, 48, 2),
                        SessionOptions.DEFAULT)) {
            VideoFrame onGpu = new VideoFrame(PixelFormat.NV12, 64, 48, NV12_ON_GPU_1, new int[] {64, 64});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.push(onGpu, renderer -> true));
            assertTrue(e.getMessage().contains("computes on the CPU") && e.getMessage().contains("CUDA device 1"),
                    e.getMessage());
        }
    }
}
