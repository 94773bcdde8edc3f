package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvsr.engine.PixelFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CUDA layer on a real GPU through {@link JavaCppCudaDriver}; skipped, with the probe's
 * reason, where there is none (every machine without the NVIDIA driver and CUDA 13 runtime).
 */
class CudaGpuTest {
    private static CudaDriver driver;

    @BeforeAll
    static void requireGpu() {
        CudaRuntime.Availability cuda = CudaRuntime.probe();
        Assumptions.assumeTrue(cuda.usable(), () -> "no usable GPU: " + cuda.reason());
        driver = cuda.driver();
    }

    @Test
    void packedRgbToPlanarOnTheGpuEqualsTheCpuConverter() throws Exception {
        KernelModulesTest.assertPackedRgbToPlanarEqualsCpu(driver, PixelFormat.RGBA);
    }

    @Test
    void deviceMemoryStaysFlatOverTenThousandFrames() throws Exception {
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaStream stream = device.newStream()) {
            long reservedAfterFirstFrame = -1;
            for (int frame = 0; frame < 10_000; frame++) {
                try (DeviceBuffer packed = device.allocate(3 * 64 * 32);
                        DeviceBuffer planar = device.allocate(4 * 3 * 64 * 32)) {
                    stream.fill(packed, 0, packed.bytes(), frame);
                    device.kernels().launch(CudaKernels.PACKED_RGB_TO_PLANAR, 4, 2, 16, 16, stream, packed, 3 * 64, 3,
                            0, 64, 32, planar, 0, 64, 64 * 32);
                }
                if (frame == 0) {
                    reservedAfterFirstFrame = device.memory().bytesReserved();
                }
            }
            stream.synchronize();
            assertEquals(0, device.memory().bytesInUse());
            assertEquals(reservedAfterFirstFrame, device.memory().bytesReserved());
        }
    }
}
