package dev.flashvsr.engine.cuda;

import dev.flashvsr.engine.EngineException;

/**
 * A queue of GPU work (copies, fills, kernel launches) that runs in order, asynchronously to the
 * CPU. Owned by its {@link CudaDevice}, which synchronises and destroys it on close if the caller
 * has not. Buffers passed in must belong to the same device.
 */
public final class CudaStream extends DeviceResource {
    private final long handle;

    CudaStream(CudaDevice device, long handle) {
        super(device);
        this.handle = handle;
    }

    /** The driver's CUstream. */
    public long handle() {
        checkOpen();
        return handle;
    }

    /** Queues a copy of {@code bytes} from the start of {@code src} (host) to the start of {@code dst} (GPU). */
    public void upload(PinnedBuffer src, DeviceBuffer dst, long bytes) throws CudaException {
        upload(src, 0, dst, 0, bytes);
    }

    /** Queues a copy of {@code bytes} from {@code src} (host) at {@code srcOffset} to {@code dst} (GPU) at {@code dstOffset}. */
    public void upload(PinnedBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes)
            throws CudaException {
        checkRange("upload source", src.bytes(), srcOffset, bytes);
        checkRange("upload destination", dst.bytes(), dstOffset, bytes);
        checkDevice(src.deviceId());
        checkDevice(dst.deviceId());
        device.boundDriver().memcpyHtoDAsync(dst.address() + dstOffset, src.address() + srcOffset, bytes, handle());
    }

    /** Queues a copy of {@code bytes} from the start of {@code src} (GPU) to the start of {@code dst} (host). */
    public void download(DeviceBuffer src, PinnedBuffer dst, long bytes) throws CudaException {
        download(src, 0, dst, 0, bytes);
    }

    /** Queues a copy of {@code bytes} from {@code src} (GPU) at {@code srcOffset} to {@code dst} (host) at {@code dstOffset}. */
    public void download(DeviceBuffer src, long srcOffset, PinnedBuffer dst, long dstOffset, long bytes)
            throws CudaException {
        checkRange("download source", src.bytes(), srcOffset, bytes);
        checkRange("download destination", dst.bytes(), dstOffset, bytes);
        checkDevice(src.deviceId());
        checkDevice(dst.deviceId());
        device.boundDriver().memcpyDtoHAsync(dst.address() + dstOffset, src.address() + srcOffset, bytes, handle());
    }

    /** Queues a copy of {@code bytes} between GPU buffers. */
    public void copy(DeviceBuffer src, long srcOffset, DeviceBuffer dst, long dstOffset, long bytes)
            throws CudaException {
        checkRange("copy source", src.bytes(), srcOffset, bytes);
        checkRange("copy destination", dst.bytes(), dstOffset, bytes);
        checkDevice(src.deviceId());
        checkDevice(dst.deviceId());
        device.boundDriver().memcpyDtoDAsync(dst.address() + dstOffset, src.address() + srcOffset, bytes, handle());
    }

    /**
     * Queues a copy of {@code bytes} from {@code src} at {@code srcOffset} to memory of this GPU that
     * no buffer of ours describes (a frame plane another component owns), at {@code dstAddress}.
     */
    public void copyOut(DeviceBuffer src, long srcOffset, long dstAddress, long bytes) throws CudaException {
        checkRange("copy source", src.bytes(), srcOffset, bytes);
        checkDevice(src.deviceId());
        if (dstAddress == 0) {
            throw new IllegalArgumentException("copy destination is a null device address");
        }
        device.boundDriver().memcpyDtoDAsync(dstAddress, src.address() + srcOffset, bytes, handle());
    }

    /** Queues setting {@code bytes} of {@code dst} from {@code offset} to the byte {@code value}. */
    public void fill(DeviceBuffer dst, long offset, long bytes, int value) throws CudaException {
        checkRange("fill", dst.bytes(), offset, bytes);
        checkDevice(dst.deviceId());
        device.boundDriver().memsetD8Async(dst.address() + offset, value & 0xff, bytes, handle());
    }

    /** An event that completes when the work queued so far has. */
    public CudaEvent record() throws CudaException {
        CudaEvent event = device.newEvent();
        try {
            device.boundDriver().eventRecord(event.handle(), handle());
        } catch (CudaException e) {
            try {
                event.close();
            } catch (CudaException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        return event;
    }

    /** Work queued on a stream, for {@link #capture}. */
    @FunctionalInterface
    public interface Work {
        void queue() throws EngineException;
    }

    /**
     * Records the work {@code work} queues on this stream into a CUDA graph instead of running it;
     * the graph then replays exactly that work (the same kernels, copies and addresses) at each
     * {@link CudaGraph#launch}. When the work or the capture fails, the capture is ended, nothing
     * of it has run, and the failure is thrown.
     */
    public CudaGraph capture(Work work) throws EngineException {
        CudaDriver driver = device.boundDriver();
        driver.streamBeginCapture(handle());
        try {
            work.queue();
        } catch (EngineException | RuntimeException e) {
            try {
                long partial = driver.streamEndCapture(handle());
                if (partial != 0) {
                    driver.graphDestroy(partial);
                }
            } catch (CudaException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        return device.instantiate(driver.streamEndCapture(handle()));
    }

    /** Waits until everything queued has finished. */
    public void synchronize() throws CudaException {
        device.boundDriver().streamSynchronize(handle());
    }

    /** Waits for the queued work, then destroys the stream. */
    @Override
    void release() throws CudaException {
        device.destroyStream(this);
    }

    long rawHandle() {
        return handle;
    }


    private void checkDevice(int bufferDevice) {
        if (bufferDevice != device.id()) {
            throw new IllegalArgumentException("a buffer of GPU " + bufferDevice + " on a stream of GPU " + device.id());
        }
    }

    private static void checkRange(String what, long capacity, long offset, long bytes) {
        if (offset < 0 || bytes < 0 || offset > capacity - bytes) {
            throw new IndexOutOfBoundsException(what + ": " + bytes + " bytes at offset " + offset
                    + " do not fit in a buffer of " + capacity + " bytes");
        }
    }

    @Override
    public String toString() {
        return "CudaStream of GPU " + deviceId();
    }
}
