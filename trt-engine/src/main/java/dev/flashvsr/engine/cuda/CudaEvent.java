package dev.flashvsr.engine.cuda;

/**
 * A point in a {@link CudaStream}'s work (from {@link CudaStream#record()}): it completes when
 * everything queued before it has, and two of them time the GPU work between them. Owned by its
 * {@link CudaDevice}, which destroys it on close if the caller has not.
 */
public final class CudaEvent extends DeviceResource {
    private final long handle;

    CudaEvent(CudaDevice device, long handle) {
        super(device);
        this.handle = handle;
    }

    /** The driver's CUevent. */
    public long handle() {
        checkOpen();
        return handle;
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

    @Override
    void release() throws CudaException {
        device.destroyEvent(this);
    }

    long rawHandle() {
        return handle;
    }

    @Override
    public String toString() {
        return "CudaEvent of GPU " + deviceId();
    }
}
