package dev.flashvsr.engine.tensorrt.runtime;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Whether this process can use TensorRT, found out once: the JavaCPP presets and TensorRT's
 * libraries load. When not, {@link Availability#reason()} names the missing library and how to
 * install it, so the TensorRT backend is declined with a sentence instead of a linkage error.
 */
public final class TrtRuntimes {
    static final String INSTALL = "install TensorRT 10 from NVIDIA's CUDA apt repository (apt install libnvinfer10"
            + " libnvonnxparsers10) or, on Jetson, JetPack 7 (CUDA 13, TensorRT 10; on JetPack 6 build flashvsr with"
            + " its presets: README, \"Jetson (aarch64)\"), and make sure the dynamic linker finds it (ldconfig or"
            + " LD_LIBRARY_PATH)";

    /**
     * The outcome of {@link #probe()}.
     *
     * @param runtime TensorRT, null when unusable
     * @param reason why TensorRT cannot be used and what to do, null when usable
     */
    public record Availability(TrtRuntime runtime, String reason) {
        public Availability {
            if ((runtime == null) == (reason == null)) {
                throw new IllegalArgumentException("either a runtime or a reason");
            }
        }

        public boolean usable() {
            return runtime != null;
        }
    }

    private static final class Probed {
        // a lambda, not a method reference: JavaCppTrtRuntime and the presets load inside the probe's try
        static final Availability RESULT = probe(() -> JavaCppTrtRuntime.load());
    }

    private TrtRuntimes() {
    }

    /** TensorRT's availability in this process, probed on the first call only. */
    public static Availability probe() {
        return Probed.RESULT;
    }

    static Availability probe(Supplier<TrtRuntime> loader) {
        try {
            return new Availability(Objects.requireNonNull(loader.get()), null);
        } catch (LinkageError e) {
            return new Availability(null, missingLibraryReason(e));
        }
    }

    static String missingLibraryReason(LinkageError e) {
        String messages = messages(e);
        if (messages.contains("nvonnxparser")) {
            return "TensorRT's ONNX parser libnvonnxparser.so.10 is not installed; " + INSTALL;
        }
        if (messages.contains("cudart") || messages.contains("libcuda.so")) {
            return "TensorRT needs the CUDA 13 runtime and the NVIDIA driver, which did not load (" + messages
                    + "); install the NVIDIA driver (R580 or later) and CUDA 13 (libcudart.so.13)";
        }
        // JavaCPP loads nvinfer first, so any other linkage failure means TensorRT itself is missing
        return "TensorRT's libnvinfer.so.10 could not be loaded (" + messages + "); " + INSTALL;
    }

    /** The messages of {@code e} and its causes: JavaCPP wraps the linker's message naming the library. */
    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                all.append(all.isEmpty() ? "" : "; ").append(t.getMessage());
            }
        }
        return all.toString();
    }
}
