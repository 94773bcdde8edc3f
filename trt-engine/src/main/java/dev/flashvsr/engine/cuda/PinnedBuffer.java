package dev.flashvsr.engine.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-locked (pinned) host memory for staging copies to and from a GPU: asynchronous copies need
 * it, and the CPU reads and writes it through {@link #buffer()}. Owned by its {@link CudaDevice},
 * which frees it on close if the caller has not.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final CudaDevice device;
    private final long address;
    private final long bytes;
    private final ByteBuffer view;
    private boolean closed;

    PinnedBuffer(CudaDevice device, long address, long bytes, ByteBuffer view) {
        this.device = device;
        this.address = address;
        this.bytes = bytes;
        this.view = view;
    }

    /** The host address. */
    public long address() {
        checkOpen();
        return address;
    }

    public long bytes() {
        return bytes;
    }

    /** The GPU whose context allocated it. */
    public int deviceId() {
        return device.id();
    }

    /** A new direct view of the whole buffer in native byte order, position 0; invalid once closed. */
    public ByteBuffer buffer() {
        checkOpen();
        return view.duplicate().order(ByteOrder.nativeOrder());
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Frees the memory. */
    @Override
    public void close() throws CudaException {
        if (markClosed()) {
            device.freePinned(this);
        }
    }

    /** True the first time only: the caller then frees the memory. */
    synchronized boolean markClosed() {
        boolean wasOpen = !closed;
        closed = true;
        return wasOpen;
    }

    long hostAddress() {
        return address;
    }

    void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    @Override
    public String toString() {
        return "PinnedBuffer[host memory of GPU " + deviceId() + ", " + bytes + " bytes at 0x"
                + Long.toHexString(address) + "]";
    }
}
