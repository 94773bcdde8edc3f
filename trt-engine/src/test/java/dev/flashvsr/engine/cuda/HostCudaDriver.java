package dev.flashvsr.engine.cuda;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CUDA driver emulated on the host, for tests without a GPU. "Device" memory is native host
 * memory (malloc), so host-compiled kernels ({@link GeneratedHostKernels}) dereference device
 * addresses directly; every stream runs its work at once, in order, so an event completes when
 * recorded. It checks what a real driver would reject (no current context, unknown handles,
 * copies outside an allocation, a kernel the module lacks) and counts what is live for leak checks.
 * The device count, driver version and device memory are configurable for the error paths.
 *
 * <p>Stream capture: while a stream captures, its copies, fills, kernels and host work
 * ({@link HostCuda#onStream}) are checked and recorded instead of run; a launch of the
 * instantiated graph runs them in order. Synchronizing or recording an event on a capturing stream
 * fails, as synchronizing does in CUDA (this emulation is stricter about events).
 * {@link #failCaptures} makes every capture end invalidated, as when captured work is not capturable.
 */
final class HostCudaDriver implements CudaDriver {
    private static final int CUDA_ERROR_ILLEGAL_STATE = 401;
    private static final int CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900;
    private static final int CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901;
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(");

    private final int deviceCount;
    private final int driverVersion;
    private final long deviceMemoryBytes;
    private final ThreadLocal<Long> currentContext = ThreadLocal.withInitial(() -> 0L);
    private final Map<Integer, Integer> contextRetains = new HashMap<>();
    private final TreeMap<Long, Long> deviceAllocations = new TreeMap<>();
    private final TreeMap<Long, Long> pinnedAllocations = new TreeMap<>();
    private final Set<Long> streams = new HashSet<>();
    private final Map<Long, Long> eventTimes = new HashMap<>();
    private final Map<Long, Set<String>> moduleEntries = new HashMap<>();
    private final Map<Long, LoadedFunction> functions = new HashMap<>();
    /** Handles are unique over every emulated driver, so a stream handle names its driver ({@link #ownerOf}). */
    private static final AtomicLong NEXT_HANDLE = new AtomicLong(0x1000);
    private static final Map<Long, HostCudaDriver> STREAM_OWNERS = new ConcurrentHashMap<>();
    /** Per capturing stream, the work recorded so far. */
    private final Map<Long, List<HostOperation>> captures = new HashMap<>();
    private final Map<Long, List<HostOperation>> graphs = new HashMap<>();
    private final Map<Long, List<HostOperation>> graphExecs = new HashMap<>();
    private boolean failCaptures;
    private int graphLaunches;
    private int captured;
    private long deviceBytes;
    private int memAllocCalls;
    private int launches;
    private long downloadedBytes;
    private long uploadedBytes;

    /** One GPU, CUDA 13.0, 1 GiB. */
    HostCudaDriver() {
        this(1, 13000, 1L << 30);
    }

    HostCudaDriver(int deviceCount, int driverVersion, long deviceMemoryBytes) {
        this.deviceCount = deviceCount;
        this.driverVersion = driverVersion;
        this.deviceMemoryBytes = deviceMemoryBytes;
    }

    @Override
    public int driverVersion() {
        return driverVersion;
    }

    @Override
    public int deviceCount() {
        return deviceCount;
    }

    @Override
    public DeviceInfo device(int ordinal) throws CudaException {
        checkOrdinal(ordinal);
        return new DeviceInfo(ordinal, "Host emulated GPU " + ordinal, 8, 9, deviceMemoryBytes);
    }

    @Override
    public synchronized long retainPrimaryContext(int ordinal) throws CudaException {
        checkOrdinal(ordinal);
        contextRetains.merge(ordinal, 1, Integer::sum);
        return contextHandle(ordinal);
    }

    @Override
    public synchronized void releasePrimaryContext(int ordinal) throws CudaException {
        checkOrdinal(ordinal);
        Integer retains = contextRetains.get(ordinal);
        if (retains == null) {
            throw failure("cuDevicePrimaryCtxRelease", CudaException.CUDA_ERROR_INVALID_CONTEXT,
                    "CUDA_ERROR_INVALID_CONTEXT", "the primary context of GPU " + ordinal + " is not retained");
        }
        if (retains == 1) {
            contextRetains.remove(ordinal);
        } else {
            contextRetains.put(ordinal, retains - 1);
        }
    }

    @Override
    public synchronized void setCurrentContext(long context) throws CudaException {
        if (context != 0 && !contextRetains.containsKey((int) (context - contextHandle(0)))) {
            throw failure("cuCtxSetCurrent", CudaException.CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT",
                    "context 0x" + Long.toHexString(context) + " is not retained");
        }
        currentContext.set(context);
    }

    @Override
    public synchronized long memAlloc(long bytes) throws CudaException {
        requireContext("cuMemAlloc");
        memAllocCalls++;
        if (bytes <= 0) {
            throw failure("cuMemAlloc", CudaException.CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE",
                    "invalid argument");
        }
        if (bytes > deviceMemoryBytes - deviceBytes) {
            throw failure("cuMemAlloc", CudaException.CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY",
                    "out of memory");
        }
        long address = Native.malloc(bytes);
        deviceAllocations.put(address, bytes);
        deviceBytes += bytes;
        return address;
    }

    @Override
    public synchronized void memFree(long devicePointer) throws CudaException {
        requireContext("cuMemFree");
        Long bytes = deviceAllocations.remove(devicePointer);
        if (bytes == null) {
            throw invalidValue("cuMemFree", "0x" + Long.toHexString(devicePointer) + " is not a device allocation");
        }
        deviceBytes -= bytes;
        Native.free(devicePointer);
    }

    @Override
    public synchronized MemoryInfo memoryInfo() throws CudaException {
        requireContext("cuMemGetInfo");
        return new MemoryInfo(deviceMemoryBytes - deviceBytes, deviceMemoryBytes);
    }

    @Override
    public synchronized long hostAlloc(long bytes) throws CudaException {
        requireContext("cuMemHostAlloc");
        long address = Native.malloc(bytes);
        pinnedAllocations.put(address, bytes);
        return address;
    }

    @Override
    public ByteBuffer hostBuffer(long hostPointer, long bytes) {
        return new Pointer(hostPointer).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    @Override
    public synchronized void hostFree(long hostPointer) throws CudaException {
        if (pinnedAllocations.remove(hostPointer) == null) {
            throw invalidValue("cuMemFreeHost", "0x" + Long.toHexString(hostPointer) + " is not a pinned allocation");
        }
        Native.free(hostPointer);
    }

    @Override
    public synchronized void memcpyHtoDAsync(long dstDevice, long srcHost, long bytes, long stream)
            throws CudaException {
        checkCopy("cuMemcpyHtoDAsync", stream, deviceAllocations, dstDevice, pinnedAllocations, srcHost, bytes);
        onStream(stream, () -> {
            copy(dstDevice, srcHost, bytes);
            uploadedBytes += bytes;
        });
    }

    @Override
    public synchronized void memcpyDtoHAsync(long dstHost, long srcDevice, long bytes, long stream)
            throws CudaException {
        checkCopy("cuMemcpyDtoHAsync", stream, pinnedAllocations, dstHost, deviceAllocations, srcDevice, bytes);
        onStream(stream, () -> {
            copy(dstHost, srcDevice, bytes);
            downloadedBytes += bytes;
        });
    }

    @Override
    public synchronized void memcpyDtoDAsync(long dstDevice, long srcDevice, long bytes, long stream)
            throws CudaException {
        checkCopy("cuMemcpyDtoDAsync", stream, deviceAllocations, dstDevice, deviceAllocations, srcDevice, bytes);
        onStream(stream, () -> copy(dstDevice, srcDevice, bytes));
    }

    @Override
    public synchronized void memsetD8Async(long dstDevice, int value, long bytes, long stream) throws CudaException {
        requireContext("cuMemsetD8Async");
        checkStream("cuMemsetD8Async", stream);
        checkInside("cuMemsetD8Async", deviceAllocations, dstDevice, bytes);
        onStream(stream, () -> new Pointer(dstDevice).setMemory(0, bytes, (byte) value));
    }

    @Override
    public synchronized long streamCreate() throws CudaException {
        requireContext("cuStreamCreate");
        long stream = NEXT_HANDLE.getAndIncrement();
        streams.add(stream);
        STREAM_OWNERS.put(stream, this);
        return stream;
    }

    @Override
    public synchronized void streamSynchronize(long stream) throws CudaException {
        checkStream("cuStreamSynchronize", stream);
        checkNotCapturing("cuStreamSynchronize", stream);
    }

    @Override
    public synchronized void streamDestroy(long stream) throws CudaException {
        if (!streams.remove(stream)) {
            throw invalidHandle("cuStreamDestroy", "stream");
        }
        STREAM_OWNERS.remove(stream);
        captures.remove(stream);
    }

    @Override
    public synchronized long eventCreate() throws CudaException {
        requireContext("cuEventCreate");
        long event = NEXT_HANDLE.getAndIncrement();
        eventTimes.put(event, -1L);
        return event;
    }

    @Override
    public synchronized void eventRecord(long event, long stream) throws CudaException {
        checkStream("cuEventRecord", stream);
        checkEvent("cuEventRecord", event);
        checkNotCapturing("cuEventRecord", stream);
        eventTimes.put(event, System.nanoTime());
    }

    @Override
    public synchronized void eventSynchronize(long event) throws CudaException {
        checkEvent("cuEventSynchronize", event);
    }

    @Override
    public synchronized float eventElapsedMillis(long start, long end) throws CudaException {
        checkEvent("cuEventElapsedTime", start);
        checkEvent("cuEventElapsedTime", end);
        if (eventTimes.get(start) < 0 || eventTimes.get(end) < 0) {
            throw invalidHandle("cuEventElapsedTime", "unrecorded event");
        }
        return (eventTimes.get(end) - eventTimes.get(start)) / 1e6f;
    }

    @Override
    public synchronized void eventDestroy(long event) throws CudaException {
        removeHandle(eventTimes, event, "cuEventDestroy", "event");
    }

    @Override
    public synchronized long moduleLoadData(String ptx) throws CudaException {
        requireContext("cuModuleLoadData");
        Set<String> entries = new HashSet<>();
        Matcher entry = ENTRY.matcher(ptx);
        while (entry.find()) {
            entries.add(entry.group(1));
        }
        if (entries.isEmpty()) {
            throw failure("cuModuleLoadData", CudaException.CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX",
                    "no .entry in the PTX");
        }
        long module = NEXT_HANDLE.getAndIncrement();
        moduleEntries.put(module, entries);
        return module;
    }

    @Override
    public synchronized void moduleUnload(long module) throws CudaException {
        if (moduleEntries.remove(module) == null) {
            throw invalidHandle("cuModuleUnload", "module");
        }
        functions.values().removeIf(function -> function.module() == module);
    }

    @Override
    public synchronized long moduleFunction(long module, String name) throws CudaException {
        Set<String> entries = moduleEntries.get(module);
        if (entries == null) {
            throw invalidHandle("cuModuleGetFunction", "module");
        }
        if (!entries.contains(name)) {
            throw failure("cuModuleGetFunction", CudaException.CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND",
                    "named symbol not found: " + name);
        }
        CudaKernels.Kernel kernel = CudaKernels.ALL.stream().filter(k -> k.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is in the PTX but not in CudaKernels.ALL"));
        long function = NEXT_HANDLE.getAndIncrement();
        functions.put(function, new LoadedFunction(module, kernel));
        return function;
    }

    @Override
    public synchronized void launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY,
            int blockZ, long stream, Object... args) throws CudaException {
        requireContext("cuLaunchKernel");
        checkStream("cuLaunchKernel", stream);
        LoadedFunction loaded = functions.get(function);
        if (loaded == null) {
            throw invalidHandle("cuLaunchKernel", "function");
        }
        CudaKernels.Kernel kernel = loaded.kernel();
        List<CudaKernels.Param> params = kernel.params();
        if (args.length != params.size()) {
            throw invalidValue("cuLaunchKernel", kernel.name() + " takes " + params.size() + " arguments");
        }
        Object[] call = new Object[6 + args.length];
        Object[] grid = {gridX, gridY, gridZ, blockX, blockY, blockZ};
        System.arraycopy(grid, 0, call, 0, 6);
        for (int i = 0; i < args.length; i++) {
            // a GPU would read garbage or fault on a pointer outside every allocation; here it would corrupt the JVM
            if (params.get(i) == CudaKernels.Param.POINTER && (Long) args[i] != 0) {
                checkInside("cuLaunchKernel " + kernel.name() + " parameter " + i, deviceAllocations, (Long) args[i], 1);
            }
            call[6 + i] = args[i];
        }
        onStream(stream, () -> {
            GeneratedHostKernels.launcher(kernel).invoke(Void.class, call);
            launches++;
        });
    }

    @Override
    public synchronized void streamBeginCapture(long stream) throws CudaException {
        requireContext("cuStreamBeginCapture");
        checkStream("cuStreamBeginCapture", stream);
        if (stream == 0) {
            throw failure("cuStreamBeginCapture", CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                    "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", "the legacy default stream cannot be captured");
        }
        if (captures.containsKey(stream)) {
            throw failure("cuStreamBeginCapture", CUDA_ERROR_ILLEGAL_STATE, "CUDA_ERROR_ILLEGAL_STATE",
                    "the stream is already capturing");
        }
        captures.put(stream, new ArrayList<>());
    }

    @Override
    public synchronized long streamEndCapture(long stream) throws CudaException {
        checkStream("cuStreamEndCapture", stream);
        List<HostOperation> recorded = captures.remove(stream);
        if (recorded == null) {
            throw failure("cuStreamEndCapture", CUDA_ERROR_ILLEGAL_STATE, "CUDA_ERROR_ILLEGAL_STATE",
                    "the stream is not capturing");
        }
        if (failCaptures) {
            throw failure("cuStreamEndCapture", CUDA_ERROR_STREAM_CAPTURE_INVALIDATED,
                    "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", "the capture was invalidated by an unsupported operation");
        }
        long graph = NEXT_HANDLE.getAndIncrement();
        graphs.put(graph, recorded);
        captured++;
        return graph;
    }

    @Override
    public synchronized long graphInstantiate(long graph) throws CudaException {
        requireContext("cuGraphInstantiate");
        List<HostOperation> operations = graphs.get(graph);
        if (operations == null) {
            throw invalidHandle("cuGraphInstantiate", "graph");
        }
        long exec = NEXT_HANDLE.getAndIncrement();
        graphExecs.put(exec, List.copyOf(operations));
        return exec;
    }

    @Override
    public synchronized void graphLaunch(long graphExec, long stream) throws CudaException {
        requireContext("cuGraphLaunch");
        checkStream("cuGraphLaunch", stream);
        checkNotCapturing("cuGraphLaunch", stream);
        List<HostOperation> operations = graphExecs.get(graphExec);
        if (operations == null) {
            throw invalidHandle("cuGraphLaunch", "graph exec");
        }
        for (HostOperation operation : operations) {
            operation.run();
        }
        graphLaunches++;
    }

    @Override
    public synchronized void graphExecDestroy(long graphExec) throws CudaException {
        removeHandle(graphExecs, graphExec, "cuGraphExecDestroy", "graph exec");
    }

    @Override
    public synchronized void graphDestroy(long graph) throws CudaException {
        removeHandle(graphs, graph, "cuGraphDestroy", "graph");
    }

    /** Work a stream runs: now, or at each launch of the graph it is captured into. */
    @FunctionalInterface
    interface HostOperation {
        void run() throws CudaException;
    }

    /** The emulated driver that made {@code stream}, or null (0, or not an emulated stream). */
    static HostCudaDriver ownerOf(long stream) {
        return STREAM_OWNERS.get(stream);
    }

    /** Fails as the GPU would fault when {@code bytes} at {@code address} are not inside one device allocation. */
    synchronized void requireDeviceMemory(String what, long address, long bytes) throws CudaException {
        checkInside(what, deviceAllocations, address, bytes);
    }

    synchronized boolean capturing(long stream) {
        return captures.containsKey(stream);
    }

    /** Runs {@code operation} on {@code stream} now, or records it while the stream captures. */
    synchronized void onStream(long stream, HostOperation operation) throws CudaException {
        List<HostOperation> capture = captures.get(stream);
        if (capture != null) {
            capture.add(operation);
        } else {
            operation.run();
        }
    }

    /** Every capture from now on ends invalidated (CUDA_ERROR_STREAM_CAPTURE_INVALIDATED). */
    synchronized void failCaptures() {
        failCaptures = true;
    }

    synchronized int graphLaunches() {
        return graphLaunches;
    }

    /** Captures that ended with a graph. */
    synchronized int graphsCaptured() {
        return captured;
    }

    /** Device allocations not freed. */
    synchronized int liveAllocations() {
        return deviceAllocations.size();
    }

    synchronized long liveDeviceBytes() {
        return deviceBytes;
    }

    synchronized int livePinned() {
        return pinnedAllocations.size();
    }

    /** Primary-context retains not released, over all GPUs. */
    synchronized int liveContexts() {
        return contextRetains.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int liveStreams() {
        return streams.size();
    }

    synchronized int liveEvents() {
        return eventTimes.size();
    }

    synchronized int liveModules() {
        return moduleEntries.size();
    }

    /** How often cuMemAlloc was called, failures included. */
    synchronized int memAllocCalls() {
        return memAllocCalls;
    }

    synchronized int launches() {
        return launches;
    }

    /** Bytes copied from device to host so far. */
    synchronized long downloadedBytes() {
        return downloadedBytes;
    }

    /** Bytes copied from host to device so far. */
    synchronized long uploadedBytes() {
        return uploadedBytes;
    }

    /** Everything still live, for a failure message; empty when nothing is. */
    synchronized String liveSummary() {
        StringBuilder live = new StringBuilder();
        append(live, "device allocations", deviceAllocations.size());
        append(live, "pinned allocations", pinnedAllocations.size());
        append(live, "context retains", liveContexts());
        append(live, "streams", streams.size());
        append(live, "events", eventTimes.size());
        append(live, "modules", moduleEntries.size());
        append(live, "graphs", graphs.size());
        append(live, "graph execs", graphExecs.size());
        return live.toString();
    }

    private static void append(StringBuilder live, String what, int count) {
        if (count != 0) {
            live.append(live.isEmpty() ? "" : ", ").append(count).append(' ').append(what);
        }
    }

    /** A function handle stays valid while its module is loaded. */
    private record LoadedFunction(long module, CudaKernels.Kernel kernel) {
    }

    private static long contextHandle(int ordinal) {
        return 0xC0000 + ordinal;
    }

    private void checkOrdinal(int ordinal) throws CudaException {
        if (ordinal < 0 || ordinal >= deviceCount) {
            throw failure("cuDeviceGet", CudaException.CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE",
                    "invalid device ordinal");
        }
    }

    private void requireContext(String call) throws CudaException {
        if (currentContext.get() == 0) {
            throw failure(call, CudaException.CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT",
                    "no current context on this thread");
        }
    }

    private static void removeHandle(Map<Long, ?> handles, long handle, String call, String what)
            throws CudaException {
        if (handles.remove(handle) == null) {
            throw invalidHandle(call, what);
        }
    }

    private void checkNotCapturing(String call, long stream) throws CudaException {
        if (captures.containsKey(stream)) {
            throw failure(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
                    "operation not permitted when stream is capturing");
        }
    }

    private void checkStream(String call, long stream) throws CudaException {
        if (stream != 0 && !streams.contains(stream)) {
            throw invalidHandle(call, "stream");
        }
    }

    private void checkEvent(String call, long event) throws CudaException {
        if (!eventTimes.containsKey(event)) {
            throw invalidHandle(call, "event");
        }
    }

    private void checkCopy(String call, long stream, TreeMap<Long, Long> dstKind, long dst, TreeMap<Long, Long> srcKind,
            long src, long bytes) throws CudaException {
        requireContext(call);
        checkStream(call, stream);
        checkInside(call + " destination", dstKind, dst, bytes);
        checkInside(call + " source", srcKind, src, bytes);
    }

    private static void checkInside(String what, TreeMap<Long, Long> allocations, long address, long bytes)
            throws CudaException {
        Map.Entry<Long, Long> block = allocations.floorEntry(address);
        if (block == null || address + bytes > block.getKey() + block.getValue()) {
            throw invalidValue(what, bytes + " bytes at 0x" + Long.toHexString(address)
                    + " are not inside one allocation of the right kind");
        }
    }

    private static void copy(long dst, long src, long bytes) {
        ByteBuffer from = new Pointer(src).getByteBuffer(0, bytes);
        new Pointer(dst).getByteBuffer(0, bytes).put(from);
    }

    private static CudaException failure(String call, int code, String name, String description) {
        return CudaException.ofCall(call, code, name, description);
    }

    private static CudaException invalidValue(String call, String description) {
        return failure(call, CudaException.CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", description);
    }

    private static CudaException invalidHandle(String call, String what) {
        return failure(call, CudaException.CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE",
                "invalid resource handle (" + what + ")");
    }
}
