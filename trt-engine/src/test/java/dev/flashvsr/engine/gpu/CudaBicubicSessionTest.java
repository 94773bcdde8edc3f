package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.HostCuda;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU frame path of the cuda backend (upload, colour to planar FP32, bicubic, back to 8 bits,
 * download, pipelined on one stream) with its kernels run on the host: equal to the same path on
 * the CPU, one output per input in order, and nothing left allocated after close.
 */
class CudaBicubicSessionTest {
    /** Odd, so partial blocks and odd chroma edges run. */
    private static final int WIDTH = 37;
    private static final int HEIGHT = 23;
    private static final int FRAMES = 5;

    @ParameterizedTest(name = "{0}")
    @EnumSource(PixelFormat.class)
    void everyFormatMatchesTheCpuFramePathInOrder(PixelFormat format) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0)) {
            for (int scale : new int[] {2, 4}) {
                StreamSpec spec = new StreamSpec(format, WIDTH, HEIGHT, scale);
                List<VideoFrame> inputs = new ArrayList<>();
                List<VideoFrame> outputs = new ArrayList<>();
                try (CudaBicubicSession session = new CudaBicubicSession(device, spec)) {
                    for (int i = 0; i < FRAMES; i++) {
                        VideoFrame input = KernelChecks.randomFrame(format, WIDTH, HEIGHT, i);
                        inputs.add(input);
                        session.push(input, renderer -> StreamChecks.collect(renderer, spec, outputs));
                        assertEquals(i, outputs.size(), "the pipelined session holds one frame");
                        assertEquals(1, session.heldFrames());
                    }
                    session.drain(renderer -> StreamChecks.collect(renderer, spec, outputs));
                    assertEquals(0, session.heldFrames());
                }
                assertEquals(FRAMES, outputs.size(), "frames in = frames out");
                for (int i = 0; i < FRAMES; i++) {
                    VideoFrame expected = CpuFramePath.upscale(inputs.get(i), spec.colorimetry(), scale);
                    assertEquals(0, CpuFramePath.maxDifference(expected, outputs.get(i)),
                            format + " x" + scale + " output " + i + " against the CPU frame path");
                }
            }
        }
        assertEquals("", cuda.live(), "everything freed after the device closed");
    }

    @Test
    void framesAlreadyOnTheGpuAreReadInPlaceAndOutputsCanStayThere() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, WIDTH, HEIGHT, 2);
        VideoFrame input = KernelChecks.randomFrame(PixelFormat.NV12, WIDTH, HEIGHT, 9);
        PackedFrameLayout in = new PackedFrameLayout(PixelFormat.NV12, WIDTH, HEIGHT);
        PackedFrameLayout out = new PackedFrameLayout(PixelFormat.NV12, 2 * WIDTH, 2 * HEIGHT);
        VideoFrame result = VideoFrame.allocate(PixelFormat.NV12, 2 * WIDTH, 2 * HEIGHT);
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0);
                CudaStream stream = device.newStream()) {
            DeviceTransfers transfers = new DeviceTransfers(device, stream);
            try (DeviceBuffer onGpu = transfers.uploadFrame(input, in);
                    DeviceBuffer outputOnGpu = device.allocate(out.bytes());
                    CudaBicubicSession session = new CudaBicubicSession(device, spec)) {
                VideoFrame deviceFrame = in.onDevice(onGpu);
                assertTrue(deviceFrame.memory() instanceof FrameMemory.Device);
                session.push(deviceFrame, renderer -> true);
                session.drain(renderer -> {
                    renderer.renderInto(out.onDevice(outputOnGpu));
                    return true;
                });
                transfers.downloadFrame(outputOnGpu, out, result);
            }
        }
        assertEquals(0, CpuFramePath.maxDifference(CpuFramePath.upscale(input, spec.colorimetry(), 2), result));
        assertEquals("", cuda.live());
    }

    @Test
    void aFrameOfAnotherGpuIsRefused() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0);
                CudaBicubicSession session = new CudaBicubicSession(device,
                        new StreamSpec(PixelFormat.RGB, 8, 8, 2))) {
            VideoFrame elsewhere = new VideoFrame(PixelFormat.RGB, 8, 8,
                    new FrameMemory.Device(3, new long[] {0x1000}, new long[] {8 * 8 * 3}), new int[] {24});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.push(elsewhere, renderer -> true));
            assertTrue(e.getMessage().contains("CUDA device 3"), e.getMessage());
        }
    }

    @Test
    void resetDropsTheHeldFrameAndTheStreamGoesOn() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.I420, WIDTH, HEIGHT, 2);
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0);
                CudaBicubicSession session = new CudaBicubicSession(device, spec)) {
            List<VideoFrame> outputs = new ArrayList<>();
            session.push(KernelChecks.randomFrame(PixelFormat.I420, WIDTH, HEIGHT, 1), r -> StreamChecks.collect(r, spec, outputs));
            session.reset();
            assertEquals(0, session.heldFrames());
            VideoFrame next = KernelChecks.randomFrame(PixelFormat.I420, WIDTH, HEIGHT, 2);
            session.push(next, r -> StreamChecks.collect(r, spec, outputs));
            session.drain(r -> StreamChecks.collect(r, spec, outputs));
            assertEquals(1, outputs.size(), "the frame before the reset is dropped, the next one comes out");
            assertEquals(0, CpuFramePath.maxDifference(CpuFramePath.upscale(next, spec.colorimetry(), 2),
                    outputs.get(0)));
        }
    }

    /** 10,000 frames through one session: the pool's bytes in use stay flat, and close frees everything. */
    @Test
    void tenThousandFramesKeepDeviceMemoryFlat() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        StreamSpec spec = new StreamSpec(PixelFormat.NV12, 8, 6, 2);
        VideoFrame input = KernelChecks.randomFrame(PixelFormat.NV12, 8, 6, 3);
        VideoFrame output = VideoFrame.allocate(PixelFormat.NV12, 16, 12);
        int[] out = {0};
        try (CudaDevice device = CudaDevice.open(cuda.availability().driver(), 0)) {
            long inUseAfterOpen;
            try (CudaBicubicSession session = new CudaBicubicSession(device, spec)) {
                inUseAfterOpen = device.memory().bytesInUse();
                for (int i = 0; i < 10_000; i++) {
                    session.push(input, renderer -> {
                        renderer.renderInto(output);
                        out[0]++;
                        return true;
                    });
                    if (i % 1000 == 0) {
                        assertEquals(inUseAfterOpen, device.memory().bytesInUse(), "bytes in use at frame " + i);
                    }
                }
                assertEquals(inUseAfterOpen, device.memory().bytesInUse());
            }
            assertEquals(0, device.memory().bytesInUse(), "the session returned its buffers");
        }
        assertEquals(9_999, out[0], "all but the held frame came out");
        assertEquals("", cuda.live(), "nothing live after 10,000 frames and close");
    }
}
