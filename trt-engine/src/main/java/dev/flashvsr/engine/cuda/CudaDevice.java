package dev.flashvsr.engine.cuda;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One GPU opened for a pipeline: its primary context, and everything allocated in it (device
 * memory pool, pinned host buffers, streams, events, kernel modules), all released by
 * {@link #close()} in dependency order: streams synchronised and destroyed (with their events),
 * modules unloaded, device memory freed, pinned memory freed, context released. Closing twice is
 * harmless; anything used after close throws {@link IllegalStateException}.
 * Every call makes the context current on the calling thread first, so any thread may use it.
 */
public final class CudaDevice implements AutoCloseable {
    private final CudaDriver driver;
    private final DeviceInfo info;
    private final long context;
    private final DeviceMemoryPool memory;
    private final KernelModules kernels;
    private final Set<CudaStream> streams = new LinkedHashSet<>();
    private final Set<CudaEvent> events = new LinkedHashSet<>();
    private final Set<PinnedBuffer> pinned = new LinkedHashSet<>();
    private final Set<CudaGraph> graphs = new LinkedHashSet<>();
    private volatile boolean closed;

    private CudaDevice(CudaDriver driver, DeviceInfo info, long context) {
        this.driver = driver;
        this.info = info;
        this.context = context;
        this.memory = new DeviceMemoryPool(this);
        this.kernels = new KernelModules(this);
    }

    /**
     * Opens GPU {@code deviceId}: retains its primary context and makes it current.
     *
     * @throws CudaException CUDA_ERROR_INVALID_DEVICE when the machine has no such GPU, saying which ids exist
     */
    public static CudaDevice open(CudaDriver driver, int deviceId) throws CudaException {
        int count = driver.deviceCount();
        if (deviceId < 0 || deviceId >= count) {
            throw noSuchDevice(deviceId, count);
        }
        DeviceInfo info = driver.device(deviceId);
        long context = driver.retainPrimaryContext(deviceId);
        try {
            driver.setCurrentContext(context);
        } catch (CudaException e) {
            releaseAfterFailure(driver, deviceId, e);
            throw e;
        }
        return new CudaDevice(driver, info, context);
    }

    /** The device id (ordinal). */
    public int id() {
        return info.ordinal();
    }

    public DeviceInfo info() {
        return info;
    }

    /** The device memory pool. */
    public DeviceMemoryPool memory() {
        checkOpen();
        return memory;
    }

    /** Device memory of at least {@code bytes}, from {@link #memory()}. */
    public DeviceBuffer allocate(long bytes) throws CudaException {
        return memory().allocate(bytes);
    }

    /** Free and total memory of this GPU now. */
    public MemoryInfo memoryInfo() throws CudaException {
        return boundDriver().memoryInfo();
    }

    /** A pinned host buffer of {@code bytes} for staging copies. */
    public PinnedBuffer pinned(long bytes) throws CudaException {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a pinned buffer needs a positive size, not " + bytes);
        }
        CudaDriver bound = boundDriver();
        long address = bound.hostAlloc(bytes);
        ByteBuffer view = bound.hostBuffer(address, bytes);
        PinnedBuffer buffer = new PinnedBuffer(this, address, bytes, view);
        synchronized (this) {
            pinned.add(buffer);
        }
        return buffer;
    }

    /** A new stream of this GPU. */
    public CudaStream newStream() throws CudaException {
        CudaStream stream = new CudaStream(this, boundDriver().streamCreate());
        synchronized (this) {
            streams.add(stream);
        }
        return stream;
    }

    /** The kernels, loaded on first launch. */
    public KernelModules kernels() {
        checkOpen();
        return kernels;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * {@link #close()} for owners whose own close cannot throw a checked exception: a failure to
     * release becomes an {@link IllegalStateException} naming the device.
     */
    public void release() {
        try {
            close();
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA device " + id() + " failed to release its resources: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Releases everything this device holds. Every step runs even when one fails; the first
     * failure is thrown afterwards with the others suppressed.
     */
    @Override
    public void close() throws CudaException {
        List<CudaStream> openStreams;
        List<CudaEvent> openEvents;
        List<PinnedBuffer> openPinned;
        List<CudaGraph> openGraphs;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            openGraphs = new ArrayList<>(graphs);
            graphs.clear();
            openStreams = new ArrayList<>(streams);
            openEvents = new ArrayList<>(events);
            openPinned = new ArrayList<>(pinned);
            streams.clear();
            events.clear();
            pinned.clear();
        }
        Failures failures = new Failures();
        failures.run(() -> driver.setCurrentContext(context));
        for (CudaGraph graph : openGraphs) {
            if (graph.markClosed()) {
                failures.run(() -> graph.destroy(driver));
            }
        }
        for (CudaStream stream : openStreams) {
            if (stream.markClosed()) {
                failures.run(() -> driver.streamSynchronize(stream.rawHandle()));
                failures.run(() -> driver.streamDestroy(stream.rawHandle()));
            }
        }
        for (CudaEvent event : openEvents) {
            if (event.markClosed()) {
                failures.run(() -> driver.eventDestroy(event.rawHandle()));
            }
        }
        failures.run(() -> kernels.unloadAll(driver));
        failures.run(() -> memory.freeAll(driver));
        for (PinnedBuffer buffer : openPinned) {
            if (buffer.markClosed()) {
                failures.run(() -> driver.hostFree(buffer.hostAddress()));
            }
        }
        failures.run(() -> driver.releasePrimaryContext(id()));
        failures.throwFirst();
    }

    @Override
    public String toString() {
        return "CudaDevice[" + id() + ": " + info.name() + ", compute " + info.computeCapability() + "]";
    }

    /** The driver, after making this device's context current on the calling thread. */
    CudaDriver boundDriver() throws CudaException {
        checkOpen();
        driver.setCurrentContext(context);
        return driver;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    CudaEvent newEvent() throws CudaException {
        CudaEvent event = new CudaEvent(this, boundDriver().eventCreate());
        synchronized (this) {
            events.add(event);
        }
        return event;
    }

    void destroyEvent(CudaEvent event) throws CudaException {
        synchronized (this) {
            events.remove(event);
        }
        boundDriver().eventDestroy(event.rawHandle());
    }

    /** An executable graph of {@code graph} (destroyed again when that fails). */
    CudaGraph instantiate(long graph) throws CudaException {
        CudaDriver bound = boundDriver();
        long exec;
        try {
            exec = bound.graphInstantiate(graph);
        } catch (CudaException e) {
            try {
                bound.graphDestroy(graph);
            } catch (CudaException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        CudaGraph created = new CudaGraph(this, graph, exec);
        synchronized (this) {
            graphs.add(created);
        }
        return created;
    }

    void destroyGraph(CudaGraph graph) throws CudaException {
        synchronized (this) {
            graphs.remove(graph);
        }
        graph.destroy(boundDriver());
    }

    void destroyStream(CudaStream stream) throws CudaException {
        synchronized (this) {
            streams.remove(stream);
        }
        CudaDriver bound = boundDriver();
        try {
            bound.streamSynchronize(stream.rawHandle());
        } finally {
            bound.streamDestroy(stream.rawHandle());
        }
    }

    void freePinned(PinnedBuffer buffer) throws CudaException {
        synchronized (this) {
            pinned.remove(buffer);
        }
        boundDriver().hostFree(buffer.hostAddress());
    }

    private static CudaException noSuchDevice(int deviceId, int count) {
        String message;
        String remedy;
        if (count == 0) {
            message = "device-id " + deviceId + " but this machine has no NVIDIA GPU";
            remedy = "check nvidia-smi, CUDA_VISIBLE_DEVICES and, in a container, that the GPU is passed through";
        } else {
            message = "device-id " + deviceId + " but this machine has " + count + " NVIDIA GPU"
                    + (count == 1 ? "" : "s") + " (ids 0.." + (count - 1) + ")";
            remedy = "set device-id to one of 0.." + (count - 1) + " (nvidia-smi -L lists them)";
        }
        return new CudaException(message, CudaException.CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE", remedy);
    }

    private static void releaseAfterFailure(CudaDriver driver, int deviceId, CudaException failure) {
        try {
            driver.releasePrimaryContext(deviceId);
        } catch (CudaException e) {
            failure.addSuppressed(e);
        }
    }

    /** Runs close steps, keeping the first failure and suppressing the rest. */
    private static final class Failures {
        interface Step {
            void run() throws CudaException;
        }

        private CudaException first;

        void run(Step step) {
            try {
                step.run();
            } catch (CudaException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }

        void throwFirst() throws CudaException {
            if (first != null) {
                throw first;
            }
        }
    }
}
