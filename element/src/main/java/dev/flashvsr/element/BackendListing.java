package dev.flashvsr.element;

import dev.flashvsr.engine.Precision;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backends present in this build, as the {@code backend} property's description
 * ({@code gst-inspect-1.0 flashvsrfilter}) and {@code flashvsr backends} list them.
 */
public final class BackendListing {

    /**
     * One backend: its {@code backend} property value, what it is, whether it can run here and
     * why not, and the precisions it runs.
     *
     * @param reason why it cannot run here; empty when usable
     */
    public record Entry(String nick, String description, boolean usable, String reason, List<Precision> precisions) {
        public Entry {
            precisions = List.copyOf(precisions);
            if (usable != reason.isEmpty()) {
                throw new IllegalArgumentException("backend '" + nick + "': a reason is given exactly when it is"
                        + " not usable, got usable=" + usable + " and reason '" + reason + "'");
            }
        }

        /** The precisions as nicks, comma-separated. */
        public String precisionNicks() {
            return precisions.stream().map(Precision::nick).collect(Collectors.joining(", "));
        }
    }

    private BackendListing() {
    }

    /**
     * The backends present. TO BE REPLACED at the merge with the backend providers' own listing
     * ({@code dev.flashvsr.engine.backend.Backends.available()}, found with ServiceLoader); until
     * then it states what this build has: ONNX Runtime on the CPU, and no TensorRT backend yet.
     */
    public static List<Entry> present() {
        return List.of(
                new Entry("cpu", "ONNX Runtime on the CPU (bicubic: plain Java)", true, "",
                        List.of(Precision.FP32, Precision.FP16, Precision.INT8)),
                new Entry("tensorrt", "NVIDIA TensorRT", false, "no TensorRT backend in this build yet",
                        List.of(Precision.FP32, Precision.FP16, Precision.BF16, Precision.INT8)));
    }

    /** The {@code backend} property's description: what it does, then each backend present and its state. */
    public static String blurb(List<Entry> backends) {
        String present = backends.isEmpty() ? "none"
                : backends.stream().map(BackendListing::describe).collect(Collectors.joining("; "));
        return "Where the model runs (auto: the best usable backend for the model); an unusable backend fails at"
                + " start. Present: " + present;
    }

    private static String describe(Entry backend) {
        return backend.nick() + " = " + backend.description()
                + (backend.usable() ? "" : " (not usable: " + backend.reason() + ")");
    }
}
