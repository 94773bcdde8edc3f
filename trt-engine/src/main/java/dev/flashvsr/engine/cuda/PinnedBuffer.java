package dev.flashvsr.engine.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Page-locked (pinned) host memory for staging copies to and from a GPU: asynchronous copies need
 * it, and the CPU reads and writes it through {@link #buffer()}. Owned by its {@link CudaDevice},
 * which frees it on close if the caller has not.
 */
public final class PinnedBuffer extends DeviceResource {
    private final long address;
    private final long bytes;
    private final ByteBuffer view;

    PinnedBuffer(CudaDevice device, long address, long bytes, ByteBuffer view) {
        super(device);
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

    /** A new direct view of the whole buffer in native byte order, position 0; invalid once closed. */
    public ByteBuffer buffer() {
        checkOpen();
        return view.duplicate().order(ByteOrder.nativeOrder());
    }

    /** Frees the memory. */
    @Override
    void release() throws CudaException {
        device.freePinned(this);
    }

    long hostAddress() {
        return address;
    }


    @Override
    public String toString() {
        return "PinnedBuffer[host memory of GPU " + deviceId() + ", " + bytes + " bytes at 0x"
                + Long.toHexString(address) + "]";
    }
}
