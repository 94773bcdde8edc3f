package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link DeviceMemoryPool}: reuse by size class, accounting, and the out-of-memory path. */
class DeviceMemoryPoolTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void sizeClassesAreQuarterStepsBetweenPowersOfTwo() {
        assertEquals(512, DeviceMemoryPool.sizeClass(1));
        assertEquals(512, DeviceMemoryPool.sizeClass(512));
        assertEquals(640, DeviceMemoryPool.sizeClass(513));
        assertEquals(1024, DeviceMemoryPool.sizeClass(1000));
        assertEquals(1024, DeviceMemoryPool.sizeClass(1024));
        assertEquals(1280, DeviceMemoryPool.sizeClass(1025));
        long frame4kFp16 = 3840L * 2160 * 3 * 2; // 49,766,400 bytes, 47.5 MiB
        assertEquals(48 * MIB, DeviceMemoryPool.sizeClass(frame4kFp16));
        for (long bytes = 1; bytes < 1 << 20; bytes = bytes * 3 / 2 + 1) {
            long size = DeviceMemoryPool.sizeClass(bytes);
            assertTrue(size >= bytes && (size <= 512 || size < bytes * 1.25 + 1), bytes + " -> " + size);
        }
    }

    @Test
    void aClosedBufferIsReusedForTheSameSizeClass() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        try (CudaDevice device = CudaDevice.open(driver, 0)) {
            DeviceMemoryPool pool = device.memory();
            DeviceBuffer first = pool.allocate(1000);
            long address = first.address();
            assertEquals(1024, pool.bytesInUse());
            first.close();
            assertEquals(0, pool.bytesInUse());
            assertEquals(1024, pool.bytesReserved());

            DeviceBuffer second = pool.allocate(900); // same class (1024)
            assertEquals(address, second.address());
            assertEquals(900, second.bytes());
            assertEquals(1, driver.memAllocCalls());

            DeviceBuffer other = pool.allocate(2000); // another class: a new block
            assertNotEquals(address, other.address());
            assertEquals(2, driver.memAllocCalls());
            assertEquals(1024 + 2048, pool.bytesInUse());

            second.close();
            second.close(); // twice: cached once
            assertEquals(2048, pool.bytesInUse());
            assertEquals(3072, pool.bytesReserved());
            pool.releaseCached();
            assertEquals(2048, pool.bytesReserved());
            assertEquals(1, driver.liveAllocations());
        }
        assertEquals(0, driver.liveAllocations());
    }

    @Test
    void outOfMemoryFreesTheCacheAndRetriesOnce() throws Exception {
        HostCudaDriver driver = new HostCudaDriver(1, 13000, 10 * MIB);
        try (CudaDevice device = CudaDevice.open(driver, 0)) {
            device.allocate(6 * MIB).close(); // cached: 6 MiB of 10 held by the pool
            DeviceBuffer big = device.allocate(8 * MIB); // fails, frees the cache, succeeds
            assertEquals(1, driver.liveAllocations());
            assertEquals(8 * MIB, device.memory().bytesReserved());
            assertEquals(3, driver.memAllocCalls());
            big.close();
        }
    }

    @Test
    void outOfMemorySaysWhatWasAskedWhatIsFreeAndWhatToDo() throws Exception {
        HostCudaDriver driver = new HostCudaDriver(1, 13000, 10 * MIB);
        try (CudaDevice device = CudaDevice.open(driver, 0)) {
            DeviceBuffer held = device.allocate(8 * MIB);
            CudaException e = assertThrows(CudaException.class, () -> device.allocate(3 * MIB));
            assertEquals(CudaException.CUDA_ERROR_OUT_OF_MEMORY, e.code());
            assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.codeName());
            assertTrue(e.getMessage().contains("asked for 3.0 MiB"), e.getMessage());
            assertTrue(e.getMessage().contains("2.0 MiB free of 10.0 MiB"), e.getMessage());
            assertTrue(e.getMessage().contains("holds 8.0 MiB in use"), e.getMessage());
            assertTrue(e.remedy().contains("tile size") && e.remedy().contains("device-id"), e.remedy());
            assertEquals(8 * MIB, device.memory().bytesInUse(), "a failed allocation leaves the accounting alone");
            held.close();
        }
        assertEquals(0, driver.liveAllocations());
    }

    @Test
    void nonPositiveSizesAreRefused() throws Exception {
        try (CudaDevice device = CudaDevice.open(new HostCudaDriver(), 0)) {
            assertThrows(IllegalArgumentException.class, () -> device.allocate(0));
            assertThrows(IllegalArgumentException.class, () -> device.pinned(-1));
        }
    }
}
