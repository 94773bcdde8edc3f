package dev.flashvsr.engine.cuda;

/**
 * A point in a {@link CudaStream}'s work (from {@link CudaStream#record()}): it completes when
 * everything queued before it has, and two of them time the GPU work between them. Owned by its
 * {@link CudaDevice}, which destroys it on close if the caller has not.
 */
public final class CudaEvent implements AutoCloseable {
    private final CudaDevice device;
    private final long handle;
    private boolean closed;

    CudaEvent(CudaDevice device, long handle) {
        this.device = device;
        this.handle = handle;
    }

    /** The driver's CUevent. */
    public long handle() {
        checkOpen();
        return handle;
    }

    /** The GPU whose context it belongs to. */
    public int deviceId() {
        return device.id();
    }

    /** Waits until the work queued before it has finished. */
    public void synchronize() throws CudaException {
        device.boundDriver().eventSynchronize(handle());
    }

    /** GPU milliseconds from {@code start} to this event; both must have completed. */
    public float elapsedMillisSince(CudaEvent start) throws CudaException {
        if (start.device != device) {
            throw new IllegalArgumentException("events of GPU " + start.deviceId() + " and GPU " + deviceId()
                    + " cannot be timed against each other");
        }
        return device.boundDriver().eventElapsedMillis(start.handle(), handle());
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public void close() throws CudaException {
        if (markClosed()) {
            device.destroyEvent(this);
        }
    }

    synchronized boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    long rawHandle() {
        return handle;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("CudaEvent of GPU " + deviceId() + " is closed");
        }
    }
}
