package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Colorimetry;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.color.ColorConverter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link KernelModules} over the host-emulated driver: launches are checked against the kernel's
 * parameter list, modules load once per device, a launch through the whole layer computes what
 * the CPU converter does, and a long run of frames leaks nothing.
 */
class KernelModulesTest {
    private static final CudaKernels.Kernel PACKED = CudaKernels.PACKED_RGB_TO_PLANAR;

    @BeforeAll
    static void requirePtx() throws IOException {
        // without PTX on the class path (no clang++-16 at build time) there is no module to load
        org.junit.jupiter.api.Assumptions.assumeTrue(KernelModules.readPtx(PACKED) != null,
                "no PTX on the class path: the build had no clang++-16");
    }

    @Test
    void argumentsAreCheckedAgainstTheKernelsParameters() throws Exception {
        HostCudaDriver driver = new HostCudaDriver(2, 13000, 1 << 20);
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaDevice other = CudaDevice.open(driver, 1);
                CudaStream stream = device.newStream()) {
            DeviceBuffer src = device.allocate(64);
            DeviceBuffer dst = device.allocate(64);
            KernelModules kernels = device.kernels();

            IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 1, 1, 1, 1, stream, src, 3, 3, 0, 1, 1, dst, 0, 1));
            assertTrue(count.getMessage().contains("packed_rgb_to_planar takes 10 arguments, not 9"),
                    count.getMessage());

            IllegalArgumentException floatForInt = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 1, 1, 1, 1, stream, src, 3, 3, 0, 1f, 1, dst, 0, 1, 1));
            assertTrue(floatForInt.getMessage().contains("packed_rgb_to_planar parameter 4 (INT) takes an Integer"),
                    floatForInt.getMessage());

            IllegalArgumentException intForPointer = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 1, 1, 1, 1, stream, 5, 3, 3, 0, 1, 1, dst, 0, 1, 1));
            assertTrue(intForPointer.getMessage().contains("parameter 0 (POINTER) takes a DeviceBuffer or a Long"),
                    intForPointer.getMessage());

            IllegalArgumentException intForFloat = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(CudaKernels.PLANAR_TO_YUV420, 1, 1, 1, 1, stream, src, 0, 1, 1, 1, 1, 1, 0f,
                            0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, dst, 1, dst, dst, 1, 1));
            assertTrue(intForFloat.getMessage().contains("planar_to_yuv420 parameter 6 (FLOAT) takes a Float, not"
                    + " Integer 1"), intForFloat.getMessage());

            IllegalArgumentException nullArgument = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 1, 1, 1, 1, stream, src, 3, 3, 0, 1, 1, null, 0, 1, 1));
            assertTrue(nullArgument.getMessage().contains("parameter 6 (POINTER)")
                    && nullArgument.getMessage().contains("not null"), nullArgument.getMessage());

            DeviceBuffer foreign = other.allocate(64);
            IllegalArgumentException otherGpu = assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 1, 1, 1, 1, stream, foreign, 3, 3, 0, 1, 1, dst, 0, 1, 1));
            assertTrue(otherGpu.getMessage().contains("a buffer of GPU 1 for a launch on GPU 0"), otherGpu.getMessage());

            assertThrows(IllegalArgumentException.class,
                    () -> kernels.launch(PACKED, 0, 1, 1, 1, stream, src, 3, 3, 0, 1, 1, dst, 0, 1, 1));
            assertEquals(0, driver.launches(), "no rejected launch reached the driver");

            kernels.launch(PACKED, 1, 1, 1, 1, stream, src.address(), 3, 3, 0, 1, 1, dst, 0, 1, 1);
            assertEquals(1, driver.launches());
        }
        assertEquals("", driver.liveSummary());
    }

    @Test
    void aModuleIsLoadedOncePerDevice() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaStream stream = device.newStream();
                DeviceBuffer planar = device.allocate(64); DeviceBuffer packed = device.allocate(64)) {
            for (int i = 0; i < 3; i++) {
                device.kernels().launch(PACKED, 1, 1, 1, 1, stream, packed, 3, 3, 0, 1, 1, planar, 0, 1, 1);
            }
            assertEquals(1, device.kernels().loadedModules());
            device.kernels().launch(CudaKernels.PLANAR_TO_PACKED_RGB, 1, 1, 1, 1, stream, planar, 0, 1, 1, 1, 1,
                    packed, 3, 3, 0);
            assertEquals(2, device.kernels().loadedModules());
            assertEquals(2, driver.liveModules());
        }
        assertEquals(0, driver.liveModules());
    }

    @ParameterizedTest
    @EnumSource(value = PixelFormat.class, names = {"RGB", "BGRA"})
    void packedRgbToPlanarThroughTheLayerEqualsTheCpuConverter(PixelFormat format) throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        assertPackedRgbToPlanarEqualsCpu(driver, format);
        assertEquals("", driver.liveSummary());
    }

    /**
     * Uploads a random 37x23 frame of {@code format} through a pinned buffer, converts it with
     * packed_rgb_to_planar on GPU 0 of {@code driver}, downloads the FP32 planes and compares them
     * bit for bit with {@link ColorConverter}'s.
     */
    static void assertPackedRgbToPlanarEqualsCpu(CudaDriver driver, PixelFormat format) throws Exception {
        int width = 37;
        int height = 23;
        VideoFrame frame = VideoFrame.allocate(format, width, height);
        Random random = new Random(18);
        ByteBuffer pixels = frame.plane(0);
        for (int i = 0; i < pixels.capacity(); i++) {
            pixels.put(i, (byte) random.nextInt(256));
        }
        float[] expected = new float[3 * width * height];
        try (ColorConverter cpu = new ColorConverter(new Colorimetry(Colorimetry.Matrix.RGB, true))) {
            cpu.toPlanarRgb(frame, expected, 0);
        }

        long srcBytes = (long) frame.stride(0) * height;
        long dstBytes = 4L * expected.length;
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaStream stream = device.newStream();
                PinnedBuffer staging = device.pinned(Math.max(srcBytes, dstBytes));
                DeviceBuffer src = device.allocate(srcBytes); DeviceBuffer dst = device.allocate(dstBytes)) {
            staging.buffer().put(pixels.duplicate().clear());
            stream.upload(staging, src, srcBytes);
            device.kernels().launch(PACKED, (width + 15) / 16, (height + 15) / 16, 16, 16, stream, src,
                    frame.stride(0), format.pixelStride(0), format == PixelFormat.RGB ? 0 : 2, width, height, dst, 0,
                    width, width * height);
            stream.download(dst, staging, dstBytes);
            stream.synchronize();
            ByteBuffer result = staging.buffer();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), result.getInt(4 * i),
                        format + " element " + i + ": " + result.getFloat(4 * i) + " vs the CPU's " + expected[i]);
            }
        }
    }

    @Test
    void tenThousandFramesOfAllocateLaunchFreeStayFlat() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        int width = 8;
        int height = 4;
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaStream stream = device.newStream()) {
            DeviceMemoryPool pool = device.memory();
            int allocationsAfterFirstFrame = -1;
            long reservedAfterFirstFrame = -1;
            for (int frame = 0; frame < 10_000; frame++) {
                try (DeviceBuffer packed = device.allocate(3L * width * height);
                        DeviceBuffer planar = device.allocate(4L * 3 * width * height)) {
                    stream.fill(packed, 0, packed.bytes(), frame);
                    device.kernels().launch(PACKED, 1, 1, 16, 16, stream, packed, 3 * width, 3, 0, width, height,
                            planar, 0, width, width * height);
                }
                stream.record().close();
                assertEquals(0, pool.bytesInUse(), "frame " + frame);
                if (frame == 0) {
                    allocationsAfterFirstFrame = driver.liveAllocations();
                    reservedAfterFirstFrame = pool.bytesReserved();
                }
            }
            assertEquals(allocationsAfterFirstFrame, driver.liveAllocations());
            assertEquals(reservedAfterFirstFrame, pool.bytesReserved());
            assertEquals(2, driver.memAllocCalls(), "every frame after the first reuses the pool's blocks");
            assertEquals(10_000, driver.launches());
            assertEquals(0, driver.liveEvents());
        }
        assertEquals("", driver.liveSummary());
    }
}
