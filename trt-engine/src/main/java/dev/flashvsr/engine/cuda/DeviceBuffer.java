package dev.flashvsr.engine.cuda;

/**
 * A block of GPU (device) memory from a {@link DeviceMemoryPool}. Closing it gives the block back
 * to the pool for reuse; closing twice is harmless, using it after close (or after its device
 * closed) throws {@link IllegalStateException}.
 * The pool hands a closed block out again at once, without waiting for the GPU: close a buffer
 * while work that uses it is still queued only if its next user queues on the same stream (which
 * runs in order); otherwise synchronise that stream first.
 */
public final class DeviceBuffer implements AutoCloseable {
    private final DeviceMemoryPool pool;
    private final long address;
    private final long bytes;
    private final long capacityBytes;
    private volatile boolean closed;

    DeviceBuffer(DeviceMemoryPool pool, long address, long bytes, long capacityBytes) {
        this.pool = pool;
        this.address = address;
        this.bytes = bytes;
        this.capacityBytes = capacityBytes;
    }

    /** The device address, for a kernel's POINTER parameter or a copy. */
    public long address() {
        checkOpen();
        return address;
    }

    /** The bytes asked for. */
    public long bytes() {
        return bytes;
    }

    /** The bytes of the block behind it (its pool size class, at least {@link #bytes()}). */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** The GPU it lives on. */
    public int deviceId() {
        return pool.deviceId();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Gives the block back to its pool. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.giveBack(this);
        }
    }

    /** The pool's view: the block, whether or not the buffer is closed. */
    long blockAddress() {
        return address;
    }

    /** Marks the buffer unusable because its pool freed the block (device close). */
    void invalidate() {
        closed = true;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[GPU " + deviceId() + ", " + bytes + " bytes at 0x" + Long.toHexString(address) + "]";
    }
}
