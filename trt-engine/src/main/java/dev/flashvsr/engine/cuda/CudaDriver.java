package dev.flashvsr.engine.cuda;

import java.nio.ByteBuffer;

/**
 * The part of the CUDA driver API this project uses, with every handle (context, device pointer,
 * pinned host pointer, stream, event, module, function) as a {@code long}; {@code 0} as a stream
 * is the default stream. Every call fails with a {@link CudaException} carrying the CUresult.
 * Calls that touch memory, streams or modules act on the context made current with
 * {@link #setCurrentContext} on the calling thread.
 * {@link JavaCppCudaDriver} is the real one; tests use a host emulation.
 */
public interface CudaDriver {
    /** The driver's CUDA version as cuDriverGetVersion reports it: 1000 * major + 10 * minor (13000 for 13.0). */
    int driverVersion() throws CudaException;

    /** How many GPUs the driver sees. */
    int deviceCount() throws CudaException;

    /** Name, compute capability and memory of GPU {@code ordinal}. */
    DeviceInfo device(int ordinal) throws CudaException;

    /** Retains GPU {@code ordinal}'s primary context (shared with every other user in the process). */
    long retainPrimaryContext(int ordinal) throws CudaException;

    /** Gives back one {@link #retainPrimaryContext} of GPU {@code ordinal}. */
    void releasePrimaryContext(int ordinal) throws CudaException;

    /** Makes {@code context} the calling thread's current context. */
    void setCurrentContext(long context) throws CudaException;

    /** Allocates {@code bytes} of device memory; returns its device address. */
    long memAlloc(long bytes) throws CudaException;

    /** Frees device memory from {@link #memAlloc}. */
    void memFree(long devicePointer) throws CudaException;

    /** Free and total memory of the current context's device. */
    MemoryInfo memoryInfo() throws CudaException;

    /** Allocates {@code bytes} of page-locked (pinned) host memory; returns its host address. */
    long hostAlloc(long bytes) throws CudaException;

    /** A direct buffer over {@code bytes} of pinned host memory at {@code hostPointer}; valid until {@link #hostFree}. */
    ByteBuffer hostBuffer(long hostPointer, long bytes);

    /** Frees pinned host memory from {@link #hostAlloc}. */
    void hostFree(long hostPointer) throws CudaException;

    /** Queues a copy of {@code bytes} from pinned host memory to device memory on {@code stream}. */
    void memcpyHtoDAsync(long dstDevice, long srcHost, long bytes, long stream) throws CudaException;

    /** Queues a copy of {@code bytes} from device memory to pinned host memory on {@code stream}. */
    void memcpyDtoHAsync(long dstHost, long srcDevice, long bytes, long stream) throws CudaException;

    /** Queues a copy of {@code bytes} between device buffers on {@code stream}. */
    void memcpyDtoDAsync(long dstDevice, long srcDevice, long bytes, long stream) throws CudaException;

    /** Queues setting {@code bytes} of device memory to the byte {@code value} on {@code stream}. */
    void memsetD8Async(long dstDevice, int value, long bytes, long stream) throws CudaException;

    /** Creates a stream in the current context. */
    long streamCreate() throws CudaException;

    /** Waits until everything queued on {@code stream} has finished. */
    void streamSynchronize(long stream) throws CudaException;

    /** Destroys a stream (work still queued on it completes first). */
    void streamDestroy(long stream) throws CudaException;

    /** Creates an event (with timing) in the current context. */
    long eventCreate() throws CudaException;

    /** Records {@code event} on {@code stream}: it completes when the work queued before it has. */
    void eventRecord(long event, long stream) throws CudaException;

    /** Waits until {@code event} has completed. */
    void eventSynchronize(long event) throws CudaException;

    /** Milliseconds between two completed events. */
    float eventElapsedMillis(long start, long end) throws CudaException;

    /** Destroys an event. */
    void eventDestroy(long event) throws CudaException;

    /** Loads (JIT-compiles) a PTX module into the current context. */
    long moduleLoadData(String ptx) throws CudaException;

    /** Unloads a module from {@link #moduleLoadData}. */
    void moduleUnload(long module) throws CudaException;

    /** The kernel {@code name} of {@code module}. */
    long moduleFunction(long module, String name) throws CudaException;

    /**
     * Queues {@code function} on {@code stream} over a grid of blocks. Each of {@code args} is a
     * {@code Long} (device pointer), {@code Integer} or {@code Float}, in the kernel's parameter order.
     */
    void launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, long stream,
            Object... args) throws CudaException;

    /**
     * Starts capturing {@code stream}: the work queued on it from now on is recorded into a graph
     * instead of run (thread-local mode: other threads' CUDA calls are unaffected), until
     * {@link #streamEndCapture}.
     */
    void streamBeginCapture(long stream) throws CudaException;

    /** Ends the capture of {@code stream}; returns the CUgraph of the work queued since it began. */
    long streamEndCapture(long stream) throws CudaException;

    /** An executable instance (CUgraphExec) of {@code graph}. */
    long graphInstantiate(long graph) throws CudaException;

    /** Queues the executable graph's work on {@code stream}, as one unit. */
    void graphLaunch(long graphExec, long stream) throws CudaException;

    /** Destroys an executable graph from {@link #graphInstantiate}. */
    void graphExecDestroy(long graphExec) throws CudaException;

    /** Destroys a graph from {@link #streamEndCapture}. */
    void graphDestroy(long graph) throws CudaException;
}
