package dev.flashvsr.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels of {@link CudaKernels} on one {@link CudaDevice}: each module's PTX is loaded (and
 * JIT-compiled by the driver) the first time one of its kernels is launched, once per device, and
 * unloaded when the device closes. A launch checks its arguments against the kernel's parameter
 * list, because the driver would take wrong ones silently and the kernel would read garbage.
 */
public final class KernelModules {
    private final CudaDevice device;
    private final Map<String, Long> modules = new HashMap<>();
    private final Map<CudaKernels.Kernel, Long> functions = new HashMap<>();

    KernelModules(CudaDevice device) {
        this.device = device;
    }

    /**
     * Queues {@code kernel} on {@code stream} over a 2-D grid of 2-D blocks. {@code args} follow
     * {@code kernel.params()}: a POINTER is a {@link DeviceBuffer} of this device or its address as a
     * {@code Long}, an INT an {@code Integer}, a FLOAT a {@code Float}.
     *
     * @throws IllegalArgumentException naming the kernel and parameter when an argument does not fit
     */
    public void launch(CudaKernels.Kernel kernel, int gridX, int gridY, int blockX, int blockY, CudaStream stream,
            Object... args) throws CudaException {
        Object[] driverArgs = driverArguments(kernel, device.id(), args);
        if (gridX <= 0 || gridY <= 0 || blockX <= 0 || blockY <= 0) {
            throw new IllegalArgumentException(kernel.name() + ": grid " + gridX + "x" + gridY + " of blocks "
                    + blockX + "x" + blockY + " is empty");
        }
        if (stream.deviceId() != device.id()) {
            throw new IllegalArgumentException(kernel.name() + ": a stream of GPU " + stream.deviceId()
                    + " cannot launch on GPU " + device.id());
        }
        long function = function(kernel);
        device.boundDriver().launchKernel(function, gridX, gridY, 1, blockX, blockY, 1, stream.handle(), driverArgs);
    }

    /**
     * Queues {@code kernel} over at least {@code threadsX x threadsY} threads: the fewest blocks of
     * {@code blockX x blockY} that cover them (each kernel skips the threads past its edge).
     */
    public void launchOver(CudaKernels.Kernel kernel, long threadsX, long threadsY, int blockX, int blockY,
            CudaStream stream, Object... args) throws CudaException {
        launch(kernel, Math.toIntExact((threadsX + blockX - 1) / blockX), Math.toIntExact((threadsY + blockY - 1)
                / blockY), blockX, blockY, stream, args);
    }

    /** How many modules are loaded now. */
    public synchronized int loadedModules() {
        return modules.size();
    }

    /**
     * {@code args} as the driver takes them (a DeviceBuffer becomes its address), after checking
     * count and type against {@code kernel.params()} and that buffers belong to GPU {@code deviceId}.
     */
    static Object[] driverArguments(CudaKernels.Kernel kernel, int deviceId, Object... args) {
        List<CudaKernels.Param> params = kernel.params();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(kernel.name() + " takes " + params.size() + " arguments, not "
                    + args.length);
        }
        Object[] converted = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            converted[i] = driverArgument(kernel, i, params.get(i), args[i], deviceId);
        }
        return converted;
    }

    private static Object driverArgument(CudaKernels.Kernel kernel, int index, CudaKernels.Param param, Object arg,
            int deviceId) {
        boolean fits = switch (param) {
            case POINTER -> arg instanceof Long || arg instanceof DeviceBuffer;
            case INT -> arg instanceof Integer;
            case FLOAT -> arg instanceof Float;
        };
        if (!fits) {
            String expected = switch (param) {
                case POINTER -> "a DeviceBuffer or a Long device address";
                case INT -> "an Integer";
                case FLOAT -> "a Float";
            };
            throw new IllegalArgumentException(kernel.name() + " parameter " + index + " (" + param + ") takes "
                    + expected + ", not " + (arg == null ? "null" : arg.getClass().getSimpleName() + " " + arg));
        }
        if (arg instanceof DeviceBuffer buffer) {
            if (buffer.deviceId() != deviceId) {
                throw new IllegalArgumentException(kernel.name() + " parameter " + index + ": a buffer of GPU "
                        + buffer.deviceId() + " for a launch on GPU " + deviceId);
            }
            return buffer.address();
        }
        return arg;
    }

    /** The text of {@code kernel}'s PTX resource, or null when the jar has none. */
    static String readPtx(CudaKernels.Kernel kernel) throws IOException {
        try (InputStream in = CudaKernels.class.getClassLoader().getResourceAsStream(kernel.ptxResource())) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Device close (its context current): unloads every module. */
    synchronized void unloadAll(CudaDriver driver) throws CudaException {
        CudaException failure = null;
        for (long module : modules.values()) {
            try {
                driver.moduleUnload(module);
            } catch (CudaException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        modules.clear();
        functions.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized long function(CudaKernels.Kernel kernel) throws CudaException {
        device.checkOpen();
        Long function = functions.get(kernel);
        if (function == null) {
            function = device.boundDriver().moduleFunction(module(kernel), kernel.name());
            functions.put(kernel, function);
        }
        return function;
    }

    private long module(CudaKernels.Kernel kernel) throws CudaException {
        Long module = modules.get(kernel.module());
        if (module == null) {
            String ptx;
            try {
                ptx = readPtx(kernel);
            } catch (IOException e) {
                throw new CudaException("cannot read " + kernel.ptxResource() + ": " + e.getMessage(),
                        CudaException.CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "reinstall flashvsr-gst");
            }
            if (ptx == null) {
                throw new CudaException(CudaRuntime.NO_PTX_REASON + " (" + kernel.ptxResource() + " is missing)",
                        CudaException.CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", CudaRuntime.NO_PTX_REMEDY);
            }
            module = device.boundDriver().moduleLoadData(ptx);
            modules.put(kernel.module(), module);
        }
        return module;
    }
}
