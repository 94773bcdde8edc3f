package dev.flashvsr.engine.cuda;

/**
 * Something made in a {@link CudaDevice}'s context (a stream, an event, pinned memory) that the
 * device releases on close if its user has not: closing twice is harmless, using it after close
 * throws {@link IllegalStateException}.
 */
abstract class DeviceResource implements AutoCloseable {
    final CudaDevice device;
    private boolean closed;

    DeviceResource(CudaDevice device) {
        this.device = device;
    }

    /** The GPU whose context it belongs to. */
    public int deviceId() {
        return device.id();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Releases it through its device, the first time only. */
    @Override
    public void close() throws CudaException {
        if (markClosed()) {
            release();
        }
    }

    /** What close does, once. */
    abstract void release() throws CudaException;

    /** True the first time only: the caller then releases what it holds. */
    synchronized boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
