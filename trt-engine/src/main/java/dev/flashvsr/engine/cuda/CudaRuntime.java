package dev.flashvsr.engine.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this process can use a GPU, found out once: the CUDA driver library and runtime load,
 * cuInit finds a GPU, the driver is new enough for the kernels' PTX and the jar has the PTX. When
 * not, {@link Availability#reason()} names what is missing and what to do, so the GPU path can be
 * declined with a sentence instead of an {@link UnsatisfiedLinkError}.
 */
public final class CudaRuntime {
    /** The oldest driver API version that loads PTX ISA 7.8: CUDA 11.8 (driver R520). */
    public static final int MIN_DRIVER_VERSION = 11080;
    static final String NO_PTX_REASON = "this build has no CUDA kernels (built without clang++-16)";
    static final String NO_PTX_REMEDY = "install clang++-16 (scripts/install-deps.sh) and rebuild flashvsr-gst"
            + " to use the GPU";

    /** Loads the driver and runs cuInit; may also fail with a {@link LinkageError} when a library is missing. */
    @FunctionalInterface
    public interface DriverLoader {
        CudaDriver load() throws CudaException;
    }

    /**
     * The outcome of {@link #probe()}: a usable driver with its GPUs, or the reason there is none.
     *
     * @param driver the initialised driver, null when unusable
     * @param driverVersion the driver's CUDA version (13000 for 13.0), 0 when unknown
     * @param devices the GPUs, empty when unusable
     * @param reason why the GPU cannot be used and what to do, null when usable
     */
    public record Availability(CudaDriver driver, int driverVersion, List<DeviceInfo> devices, String reason) {
        public Availability {
            devices = List.copyOf(devices);
            if ((driver == null) == (reason == null)) {
                throw new IllegalArgumentException("either a driver or a reason");
            }
        }

        static Availability unusable(String reason) {
            return new Availability(null, 0, List.of(), Objects.requireNonNull(reason));
        }

        public boolean usable() {
            return driver != null;
        }
    }

    private static final class Probed {
        // a lambda, not a method reference: JavaCppCudaDriver (and the presets it links) load inside the probe's
        // try, so a jar without the presets also becomes a reason
        static final Availability RESULT = probe(() -> JavaCppCudaDriver.load(),
                resource -> CudaKernels.class.getClassLoader().getResource(resource) != null);
    }

    private CudaRuntime() {
    }

    /** The availability of CUDA in this process, probed on the first call only. */
    public static Availability probe() {
        return Probed.RESULT;
    }

    /**
     * Probes with {@code loader} and looks for the kernels' PTX with {@code resourcePresent}; the
     * first problem found is the reason.
     */
    static Availability probe(DriverLoader loader, Predicate<String> resourcePresent) {
        CudaDriver driver;
        try {
            driver = loader.load();
        } catch (LinkageError e) {
            return Availability.unusable(missingLibraryReason(e));
        } catch (CudaException e) {
            return Availability.unusable(initFailureReason(e));
        }
        try {
            int version = driver.driverVersion();
            if (version < MIN_DRIVER_VERSION) {
                return Availability.unusable("the NVIDIA driver supports CUDA " + cudaVersion(version)
                        + " (driver API version " + version + ") but the kernels (PTX ISA "
                        + CudaKernels.PTX_ISA_VERSION + ") need CUDA " + cudaVersion(MIN_DRIVER_VERSION)
                        + " (" + MIN_DRIVER_VERSION + ", driver R520 or later); update the NVIDIA driver");
            }
            int count = driver.deviceCount();
            if (count == 0) {
                return Availability.unusable(noGpuReason());
            }
            for (CudaKernels.Kernel kernel : CudaKernels.ALL) {
                if (!resourcePresent.test(kernel.ptxResource())) {
                    return Availability.unusable(NO_PTX_REASON + ": " + kernel.ptxResource() + " is missing; "
                            + NO_PTX_REMEDY);
                }
            }
            List<DeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                devices.add(driver.device(i));
            }
            return new Availability(driver, version, devices, null);
        } catch (CudaException e) {
            return Availability.unusable("the CUDA driver failed while listing GPUs: " + e.describe());
        }
    }

    /** 13000 as "13.0", 11080 as "11.8". */
    static String cudaVersion(int driverVersion) {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }

    private static final Pattern CUDART = Pattern.compile("libcudart\\.so\\.(\\d+)");

    private static String missingLibraryReason(LinkageError e) {
        String messages = messages(e);
        if (messages.contains("libcuda.so")) {
            return "no NVIDIA driver: libcuda.so.1 not found; install the NVIDIA driver (R580 or later for CUDA 13;"
                    + " in a container, run it with the NVIDIA container toolkit, e.g. docker --gpus all)";
        }
        Matcher cudart = CUDART.matcher(messages);
        if (cudart.find()) {
            // the presets this build was made with name the major version (13 by default, 12 in a JetPack 6 build)
            String major = cudart.group(1);
            String jetPack = major.equals("12") ? "JetPack 6" : "JetPack 7";
            return "the CUDA " + major + " runtime libcudart.so." + major + " is not installed; install CUDA " + major
                    + " (the cuda-cudart-" + major + "-x package or the CUDA toolkit) or, on Jetson, " + jetPack
                    + ", and make sure the dynamic linker finds it (ldconfig or LD_LIBRARY_PATH)";
        }
        return "the CUDA libraries could not be loaded (" + messages + "); install the NVIDIA driver and the CUDA 13"
                + " runtime (libcudart.so.13)";
    }

    private static String initFailureReason(CudaException e) {
        if (e.code() == CudaException.CUDA_ERROR_NO_DEVICE) {
            return noGpuReason();
        }
        return "the CUDA driver did not initialise: " + e.describe();
    }

    private static String noGpuReason() {
        return "no NVIDIA GPU found (cuInit: CUDA_ERROR_NO_DEVICE); check nvidia-smi, CUDA_VISIBLE_DEVICES and,"
                + " in a container, that the GPU is passed through";
    }

    /** The messages of {@code e} and its causes: JavaCPP wraps the linker's message naming the missing library. */
    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                all.append(all.isEmpty() ? "" : "; ").append(t.getMessage());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                all.append("; ").append(suppressed.getMessage());
            }
        }
        return all.toString();
    }
}
