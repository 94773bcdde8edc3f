package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link CudaDevice}'s lifetimes over the host-emulated driver: what it opens, it releases, once. */
class CudaDeviceTest {
    @Test
    void closeReleasesEverythingTheDeviceHandedOut() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        CudaDevice device = CudaDevice.open(driver, 0);
        DeviceBuffer kept = device.allocate(4096);
        device.allocate(100).close(); // cached in the pool, still reserved from the driver
        PinnedBuffer pinned = device.pinned(4096);
        CudaStream stream = device.newStream();
        CudaEvent event = stream.record();
        device.kernels().launch(CudaKernels.PACKED_RGB_TO_PLANAR, 1, 1, 1, 1, stream, kept, 3, 3, 0, 1, 1, kept, 0,
                1, 1);
        assertEquals(2, driver.liveAllocations());
        assertEquals(1, driver.livePinned());
        assertEquals(1, driver.liveStreams());
        assertEquals(1, driver.liveEvents());
        assertEquals(1, driver.liveModules());
        assertEquals(1, driver.liveContexts());

        device.close();

        assertEquals("", driver.liveSummary(), "live after close");
        assertTrue(kept.isClosed() && pinned.isClosed() && stream.isClosed() && event.isClosed());
        device.close(); // harmless
        kept.close();
        pinned.close();
        stream.close();
        event.close();
        assertEquals("", driver.liveSummary(), "closing twice must not free twice");
    }

    @Test
    void useAfterCloseIsRefused() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        CudaDevice device = CudaDevice.open(driver, 0);
        DeviceBuffer buffer = device.allocate(64);
        PinnedBuffer pinned = device.pinned(64);
        CudaStream stream = device.newStream();
        device.close();
        assertThrows(IllegalStateException.class, () -> device.allocate(64));
        assertThrows(IllegalStateException.class, () -> device.pinned(64));
        assertThrows(IllegalStateException.class, device::newStream);
        assertThrows(IllegalStateException.class, device::kernels);
        assertThrows(IllegalStateException.class, device::memory);
        assertThrows(IllegalStateException.class, buffer::address);
        assertThrows(IllegalStateException.class, pinned::buffer);
        assertThrows(IllegalStateException.class, stream::synchronize);
        IllegalStateException e = assertThrows(IllegalStateException.class, stream::record);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void closingPartsEarlyReleasesThemThenAndNotAgain() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        try (CudaDevice device = CudaDevice.open(driver, 0)) {
            CudaStream stream = device.newStream();
            CudaEvent event = stream.record();
            PinnedBuffer pinned = device.pinned(16);
            event.close();
            stream.close();
            pinned.close();
            assertEquals(0, driver.liveStreams());
            assertEquals(0, driver.liveEvents());
            assertEquals(0, driver.livePinned());
            assertThrows(IllegalStateException.class, stream::handle);
        }
        assertEquals("", driver.liveSummary());
    }

    @Test
    void copiesRoundTripThroughDeviceMemory() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        try (CudaDevice device = CudaDevice.open(driver, 0);
                CudaStream stream = device.newStream();
                DeviceBuffer a = device.allocate(256);
                DeviceBuffer b = device.allocate(256);
                PinnedBuffer in = device.pinned(256);
                PinnedBuffer out = device.pinned(256)) {
            ByteBuffer bytes = in.buffer();
            for (int i = 0; i < 256; i++) {
                bytes.put(i, (byte) i);
            }
            stream.upload(in, a, 256);
            stream.fill(b, 0, 256, 0x7f);
            stream.copy(a, 16, b, 32, 100); // b[32..132) = a[16..116)
            stream.download(b, out, 256);
            stream.synchronize();
            ByteBuffer result = out.buffer();
            for (int i = 0; i < 256; i++) {
                int expected = i >= 32 && i < 132 ? i - 16 : 0x7f;
                assertEquals(expected, result.get(i) & 0xff, "byte " + i);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> stream.copy(a, 200, b, 0, 100));
        }
        assertEquals("", driver.liveSummary());
    }

    @Test
    void eventsTimeTheWorkBetweenThem() throws Exception {
        HostCudaDriver driver = new HostCudaDriver();
        try (CudaDevice device = CudaDevice.open(driver, 0); CudaStream stream = device.newStream()) {
            CudaEvent start = stream.record();
            CudaEvent end = stream.record();
            end.synchronize();
            assertTrue(end.elapsedMillisSince(start) >= 0);
        }
        assertEquals("", driver.liveSummary());
    }

    @Test
    void aDeviceIdPastTheCountIsRefusedNamingTheIdsThatExist() {
        HostCudaDriver driver = new HostCudaDriver(1, 13000, 1 << 20);
        CudaException e = assertThrows(CudaException.class, () -> CudaDevice.open(driver, 3));
        assertEquals("device-id 3 but this machine has 1 NVIDIA GPU (ids 0..0)", e.getMessage());
        assertEquals("CUDA_ERROR_INVALID_DEVICE", e.codeName());
        assertTrue(e.remedy().contains("0..0"), e.remedy());
        assertEquals(0, driver.liveContexts());

        CudaException two = assertThrows(CudaException.class,
                () -> CudaDevice.open(new HostCudaDriver(2, 13000, 1 << 20), 2));
        assertEquals("device-id 2 but this machine has 2 NVIDIA GPUs (ids 0..1)", two.getMessage());
        CudaException none = assertThrows(CudaException.class,
                () -> CudaDevice.open(new HostCudaDriver(0, 13000, 1 << 20), 0));
        assertEquals("device-id 0 but this machine has no NVIDIA GPU", none.getMessage());
        assertThrows(CudaException.class, () -> CudaDevice.open(driver, -1));
    }

    @Test
    void buffersSayWhichDeviceTheyBelongTo() throws Exception {
        HostCudaDriver driver = new HostCudaDriver(2, 13000, 1 << 20);
        try (CudaDevice first = CudaDevice.open(driver, 0); CudaDevice second = CudaDevice.open(driver, 1)) {
            DeviceBuffer buffer = second.allocate(64);
            PinnedBuffer pinned = first.pinned(64);
            assertEquals(1, buffer.deviceId());
            assertEquals(0, pinned.deviceId());
            assertTrue(buffer.toString().startsWith("DeviceBuffer[GPU 1"), buffer.toString());
            assertTrue(pinned.toString().startsWith("PinnedBuffer[host memory of GPU 0"), pinned.toString());
            CudaStream stream = first.newStream();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> stream.upload(pinned, buffer, 64));
            assertTrue(e.getMessage().contains("GPU 1"), e.getMessage());
            assertFalse(buffer.isClosed());
        }
        assertEquals("", driver.liveSummary());
    }
}
