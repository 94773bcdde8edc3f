package dev.flashvsr.engine.cuda;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * The device memory of one {@link CudaDevice}: frames ask for the same few sizes over and over,
 * so freed blocks are kept by size class and handed out again instead of going back to the driver
 * (cuMemAlloc and cuMemFree synchronise the GPU). Size classes are quarter steps between powers of
 * two, so a block wastes less than a quarter of itself. When the driver runs out of memory the
 * cached blocks are freed and the allocation tried once more.
 */
public final class DeviceMemoryPool {
    /** The smallest block: the driver aligns allocations to at least this anyway. */
    static final long MIN_BLOCK_BYTES = 512;
    private static final double MIB = 1024.0 * 1024.0;

    private final CudaDevice device;
    private final TreeMap<Long, ArrayDeque<Long>> cachedBySize = new TreeMap<>();
    private final Set<DeviceBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private long bytesInUse;
    private long bytesCached;

    DeviceMemoryPool(CudaDevice device) {
        this.device = device;
    }

    /** A buffer of at least {@code bytes}, from the cache when a block of its size class is free. */
    public DeviceBuffer allocate(long bytes) throws CudaException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a device buffer needs a positive size, not " + bytes);
        }
        long size = sizeClass(bytes);
        synchronized (this) {
            device.checkOpen();
            ArrayDeque<Long> cached = cachedBySize.get(size);
            if (cached != null && !cached.isEmpty()) {
                bytesCached -= size;
                return handOut(cached.pop(), bytes, size);
            }
            return handOut(allocateBlock(bytes, size), bytes, size);
        }
    }

    /** Bytes of the blocks handed out and not closed (size classes, not the sizes asked for). */
    public synchronized long bytesInUse() {
        return bytesInUse;
    }

    /** Bytes this pool holds from the driver: in use plus cached for reuse. */
    public synchronized long bytesReserved() {
        return bytesInUse + bytesCached;
    }

    /** Frees the cached blocks (not the ones in use), giving their memory back to the driver. */
    public synchronized void releaseCached() throws CudaException {
        freeCached(device.boundDriver());
    }

    private void freeCached(CudaDriver driver) throws CudaException {
        CudaException failure = null;
        for (ArrayDeque<Long> blocks : cachedBySize.values()) {
            for (long block : blocks) {
                try {
                    driver.memFree(block);
                } catch (CudaException e) {
                    failure = failure == null ? e : addSuppressed(failure, e);
                }
            }
        }
        cachedBySize.clear();
        bytesCached = 0;
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The block size for {@code bytes}: {@link #MIN_BLOCK_BYTES} or more, rounded up to 1, 1.25,
     * 1.5 or 1.75 times a power of two.
     */
    static long sizeClass(long bytes) {
        if (bytes <= MIN_BLOCK_BYTES) {
            return MIN_BLOCK_BYTES;
        }
        long power = Long.highestOneBit(bytes);
        long step = power / 4;
        return (bytes + step - 1) / step * step;
    }

    int deviceId() {
        return device.id();
    }

    /** Called by {@link DeviceBuffer#close()}: the block goes to the cache of its size class. */
    synchronized void giveBack(DeviceBuffer buffer) {
        if (live.remove(buffer)) {
            bytesInUse -= buffer.capacityBytes();
            bytesCached += buffer.capacityBytes();
            cachedBySize.computeIfAbsent(buffer.capacityBytes(), size -> new ArrayDeque<>()).push(buffer.blockAddress());
        }
    }

    /** Device close (its context current): frees every block, cached or in use; open buffers become unusable. */
    synchronized void freeAll(CudaDriver driver) throws CudaException {
        for (DeviceBuffer buffer : live) {
            buffer.invalidate();
            bytesCached += buffer.capacityBytes();
            cachedBySize.computeIfAbsent(buffer.capacityBytes(), size -> new ArrayDeque<>()).push(buffer.blockAddress());
        }
        live.clear();
        bytesInUse = 0;
        freeCached(driver);
    }

    private DeviceBuffer handOut(long block, long bytes, long size) {
        DeviceBuffer buffer = new DeviceBuffer(this, block, bytes, size);
        live.add(buffer);
        bytesInUse += size;
        return buffer;
    }

    private long allocateBlock(long bytes, long size) throws CudaException {
        CudaDriver driver = device.boundDriver();
        try {
            return driver.memAlloc(size);
        } catch (CudaException e) {
            if (e.code() != CudaException.CUDA_ERROR_OUT_OF_MEMORY) {
                throw e;
            }
        }
        freeCached(driver);
        try {
            return driver.memAlloc(size);
        } catch (CudaException e) {
            if (e.code() != CudaException.CUDA_ERROR_OUT_OF_MEMORY) {
                throw e;
            }
            throw outOfMemory(driver, bytes, size, e);
        }
    }

    private CudaException outOfMemory(CudaDriver driver, long bytes, long size, CudaException cause) {
        String free;
        try {
            MemoryInfo memory = driver.memoryInfo();
            free = mib(memory.freeBytes()) + " free of " + mib(memory.totalBytes());
        } catch (CudaException e) {
            free = "free memory unknown (" + e.getMessage() + ")";
        }
        CudaException e = new CudaException("out of GPU memory on GPU " + device.id() + ": asked for " + mib(bytes)
                + " (a block of " + mib(size) + "), " + free + ", this pipeline holds " + mib(bytesInUse) + " in use",
                CudaException.CUDA_ERROR_OUT_OF_MEMORY, cause.codeName(),
                "lower the output resolution or tile size, close other programs using the GPU (nvidia-smi lists"
                        + " them), or pick a GPU with more memory (device-id)");
        e.initCause(cause);
        return e;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / MIB);
    }

    private static CudaException addSuppressed(CudaException first, CudaException next) {
        first.addSuppressed(next);
        return first;
    }
}
