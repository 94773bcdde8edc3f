package dev.flashvsr.engine.cuda;

import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.CU_EVENT_DEFAULT;
import static org.bytedeco.cuda.global.cudart.CU_JIT_ERROR_LOG_BUFFER;
import static org.bytedeco.cuda.global.cudart.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES;
import static org.bytedeco.cuda.global.cudart.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL;
import static org.bytedeco.cuda.global.cudart.CU_STREAM_NON_BLOCKING;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The CUDA driver API through the JavaCPP presets ({@code org.bytedeco.cuda.global.cudart}). Its
 * JNI library needs libcuda.so.1 (the NVIDIA driver) and libcudart.so.13 (the CUDA 13 runtime):
 * {@link #load()} is the only way in, so a machine without them fails there with a
 * {@link LinkageError} that {@link CudaRuntime} turns into a reason, and nothing else in the
 * engine touches the presets' classes.
 */
public final class JavaCppCudaDriver implements CudaDriver {
    /** Room for the JIT compiler's error log when a module does not load. */
    private static final int JIT_LOG_BYTES = 8192;

    private JavaCppCudaDriver() {
    }

    /**
     * Loads the native libraries and initialises the driver (cuInit).
     *
     * @throws LinkageError when libcuda.so.1 or libcudart.so.13 is missing
     * @throws CudaException when cuInit fails, e.g. CUDA_ERROR_NO_DEVICE
     */
    public static JavaCppCudaDriver load() throws CudaException {
        check("cuInit", cudart.cuInit(0));
        return new JavaCppCudaDriver();
    }

    @Override
    public int driverVersion() throws CudaException {
        int[] version = new int[1];
        check("cuDriverGetVersion", cudart.cuDriverGetVersion(version));
        return version[0];
    }

    @Override
    public int deviceCount() throws CudaException {
        int[] count = new int[1];
        check("cuDeviceGetCount", cudart.cuDeviceGetCount(count));
        return count[0];
    }

    @Override
    public DeviceInfo device(int ordinal) throws CudaException {
        int device = cuDevice(ordinal);
        byte[] name = new byte[256];
        check("cuDeviceGetName", cudart.cuDeviceGetName(name, name.length, device));
        int[] major = new int[1];
        int[] minor = new int[1];
        check("cuDeviceGetAttribute", cudart.cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                device));
        check("cuDeviceGetAttribute", cudart.cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                device));
        try (SizeTPointer total = new SizeTPointer(1)) {
            check("cuDeviceTotalMem", cudart.cuDeviceTotalMem(total, device));
            return new DeviceInfo(ordinal, cString(name), major[0], minor[0], total.get());
        }
    }

    @Override
    public long retainPrimaryContext(int ordinal) throws CudaException {
        CUctx_st context = new CUctx_st();
        check("cuDevicePrimaryCtxRetain", cudart.cuDevicePrimaryCtxRetain(context, cuDevice(ordinal)));
        return context.address();
    }

    @Override
    public void releasePrimaryContext(int ordinal) throws CudaException {
        check("cuDevicePrimaryCtxRelease", cudart.cuDevicePrimaryCtxRelease(cuDevice(ordinal)));
    }

    @Override
    public void setCurrentContext(long context) throws CudaException {
        check("cuCtxSetCurrent", cudart.cuCtxSetCurrent(new CUctx_st(at(context))));
    }

    @Override
    public long memAlloc(long bytes) throws CudaException {
        long[] pointer = new long[1];
        check("cuMemAlloc", cudart.cuMemAlloc(pointer, bytes));
        return pointer[0];
    }

    @Override
    public void memFree(long devicePointer) throws CudaException {
        check("cuMemFree", cudart.cuMemFree(devicePointer));
    }

    @Override
    public MemoryInfo memoryInfo() throws CudaException {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check("cuMemGetInfo", cudart.cuMemGetInfo(free, total));
            return new MemoryInfo(free.get(), total.get());
        }
    }

    @Override
    public long hostAlloc(long bytes) throws CudaException {
        try (PointerPointer<Pointer> pointer = new PointerPointer<>(1)) {
            check("cuMemHostAlloc", cudart.cuMemHostAlloc(pointer, bytes, 0));
            return pointer.get(0).address();
        }
    }

    @Override
    public ByteBuffer hostBuffer(long hostPointer, long bytes) {
        return directView(hostPointer, bytes);
    }

    /** A direct buffer over native memory at {@code address}; only JavaCPP's own library is needed, not CUDA's. */
    static ByteBuffer directView(long address, long bytes) {
        return new BytePointer(at(address, bytes)).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    @Override
    public void hostFree(long hostPointer) throws CudaException {
        check("cuMemFreeHost", cudart.cuMemFreeHost(at(hostPointer)));
    }

    @Override
    public void memcpyHtoDAsync(long dstDevice, long srcHost, long bytes, long stream) throws CudaException {
        check("cuMemcpyHtoDAsync", cudart.cuMemcpyHtoDAsync(dstDevice, at(srcHost, bytes), bytes, stream(stream)));
    }

    @Override
    public void memcpyDtoHAsync(long dstHost, long srcDevice, long bytes, long stream) throws CudaException {
        check("cuMemcpyDtoHAsync", cudart.cuMemcpyDtoHAsync(at(dstHost, bytes), srcDevice, bytes, stream(stream)));
    }

    @Override
    public void memcpyDtoDAsync(long dstDevice, long srcDevice, long bytes, long stream) throws CudaException {
        check("cuMemcpyDtoDAsync", cudart.cuMemcpyDtoDAsync(dstDevice, srcDevice, bytes, stream(stream)));
    }

    @Override
    public void memsetD8Async(long dstDevice, int value, long bytes, long stream) throws CudaException {
        check("cuMemsetD8Async", cudart.cuMemsetD8Async(dstDevice, (byte) value, bytes, stream(stream)));
    }

    @Override
    public long streamCreate() throws CudaException {
        CUstream_st stream = new CUstream_st();
        // non-blocking: no implicit synchronisation with other libraries' work on the legacy default stream
        check("cuStreamCreate", cudart.cuStreamCreate(stream, CU_STREAM_NON_BLOCKING));
        return stream.address();
    }

    @Override
    public void streamSynchronize(long stream) throws CudaException {
        check("cuStreamSynchronize", cudart.cuStreamSynchronize(stream(stream)));
    }

    @Override
    public void streamDestroy(long stream) throws CudaException {
        check("cuStreamDestroy", cudart.cuStreamDestroy(stream(stream)));
    }

    @Override
    public long eventCreate() throws CudaException {
        CUevent_st event = new CUevent_st();
        check("cuEventCreate", cudart.cuEventCreate(event, CU_EVENT_DEFAULT));
        return event.address();
    }

    @Override
    public void eventRecord(long event, long stream) throws CudaException {
        check("cuEventRecord", cudart.cuEventRecord(event(event), stream(stream)));
    }

    @Override
    public void eventSynchronize(long event) throws CudaException {
        check("cuEventSynchronize", cudart.cuEventSynchronize(event(event)));
    }

    @Override
    public float eventElapsedMillis(long start, long end) throws CudaException {
        float[] millis = new float[1];
        check("cuEventElapsedTime", cudart.cuEventElapsedTime(millis, event(start), event(end)));
        return millis[0];
    }

    @Override
    public void eventDestroy(long event) throws CudaException {
        check("cuEventDestroy", cudart.cuEventDestroy(event(event)));
    }

    @Override
    public long moduleLoadData(String ptx) throws CudaException {
        CUmod_st module = new CUmod_st();
        try (BytePointer image = new BytePointer(ptx); // NUL-terminated, as the driver reads PTX text
                BytePointer log = new BytePointer(JIT_LOG_BYTES);
                PointerPointer<Pointer> values = new PointerPointer<>(2)) {
            log.put(0, (byte) 0);
            int[] options = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
            values.put(0, log);
            values.put(1, at(JIT_LOG_BYTES)); // option values are passed in pointer-sized slots
            int result = cudart.cuModuleLoadDataEx(module, image, options.length, options, values);
            if (result != 0) {
                String jitLog = log.getString().strip();
                throw CudaException.ofCall("cuModuleLoadDataEx", result, errorName(result),
                        errorString(result) + (jitLog.isEmpty() ? "" : "; JIT log: " + jitLog));
            }
        }
        return module.address();
    }

    @Override
    public void moduleUnload(long module) throws CudaException {
        check("cuModuleUnload", cudart.cuModuleUnload(new CUmod_st(at(module))));
    }

    @Override
    public long moduleFunction(long module, String name) throws CudaException {
        CUfunc_st function = new CUfunc_st();
        check("cuModuleGetFunction(" + name + ")", cudart.cuModuleGetFunction(function, new CUmod_st(at(module)), name));
        return function.address();
    }

    @Override
    public void launchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
            long stream, Object... args) throws CudaException {
        // cuLaunchKernel takes an array of pointers to the argument values; it copies them at the call
        Pointer[] values = new Pointer[args.length];
        try (PointerPointer<Pointer> params = new PointerPointer<>(args.length)) {
            for (int i = 0; i < args.length; i++) {
                values[i] = argument(i, args[i]);
                params.put(i, values[i]);
            }
            check("cuLaunchKernel", cudart.cuLaunchKernel(new CUfunc_st(at(function)), gridX, gridY, gridZ, blockX,
                    blockY, blockZ, 0, stream(stream), params, (PointerPointer<?>) null));
        } finally {
            for (Pointer value : values) {
                if (value != null) {
                    value.close();
                }
            }
        }
    }

    private static Pointer argument(int index, Object arg) {
        if (arg instanceof Long value) {
            return new LongPointer(1).put(value);
        }
        if (arg instanceof Integer value) {
            return new IntPointer(1).put(value);
        }
        if (arg instanceof Float value) {
            return new FloatPointer(1).put(value);
        }
        throw new IllegalArgumentException("kernel argument " + index + " must be a Long, Integer or Float, not "
                + (arg == null ? "null" : arg.getClass().getName()));
    }

    private static int cuDevice(int ordinal) throws CudaException {
        int[] device = new int[1];
        check("cuDeviceGet", cudart.cuDeviceGet(device, ordinal));
        return device[0];
    }

    @Override
    public void streamBeginCapture(long stream) throws CudaException {
        check("cuStreamBeginCapture",
                cudart.cuStreamBeginCapture(stream(stream), CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
    }

    @Override
    public long streamEndCapture(long stream) throws CudaException {
        CUgraph_st graph = new CUgraph_st();
        check("cuStreamEndCapture", cudart.cuStreamEndCapture(stream(stream), graph));
        return graph.address();
    }

    @Override
    public long graphInstantiate(long graph) throws CudaException {
        CUgraphExec_st exec = new CUgraphExec_st();
        check("cuGraphInstantiate", cudart.cuGraphInstantiate(exec, new CUgraph_st(at(graph)), 0));
        return exec.address();
    }

    @Override
    public void graphLaunch(long graphExec, long stream) throws CudaException {
        check("cuGraphLaunch", cudart.cuGraphLaunch(new CUgraphExec_st(at(graphExec)), stream(stream)));
    }

    @Override
    public void graphExecDestroy(long graphExec) throws CudaException {
        check("cuGraphExecDestroy", cudart.cuGraphExecDestroy(new CUgraphExec_st(at(graphExec))));
    }

    @Override
    public void graphDestroy(long graph) throws CudaException {
        check("cuGraphDestroy", cudart.cuGraphDestroy(new CUgraph_st(at(graph))));
    }

    private static CUstream_st stream(long handle) {
        return new CUstream_st(at(handle));
    }

    private static CUevent_st event(long handle) {
        return new CUevent_st(at(handle));
    }

    private static Pointer at(long address) {
        return at(address, 0);
    }

    /** A JavaCPP view of a raw address the driver gave out (no deallocator: the driver owns it). */
    private static Pointer at(long address, long bytes) {
        return new RawAddress(address, bytes);
    }

    private static void check(String call, int result) throws CudaException {
        if (result != 0) {
            throw CudaException.ofCall(call, result, errorName(result), errorString(result));
        }
    }

    private static String errorName(int result) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            return cudart.cuGetErrorName(result, name) == 0 ? name.getString(0) : "CUresult " + result;
        }
    }

    private static String errorString(int result) {
        try (PointerPointer<BytePointer> text = new PointerPointer<>(1)) {
            return cudart.cuGetErrorString(result, text) == 0 ? text.getString(0) : "";
        }
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static final class RawAddress extends Pointer {
        RawAddress(long address, long bytes) {
            this.address = address;
            this.limit = bytes;
            this.capacity = bytes;
        }
    }
}
