package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.flashvsr.graph.ComputeType;
import dev.flashvsr.engine.flashvsr.graph.LinearQuantization;
import java.util.Locale;

/**
 * How one precision the user chose is built into the five graphs: the element type they compute
 * in, and how the DiT blocks' Linear layers are built. INT8 is the float32 graphs with W8A8
 * Linears in the DiT blocks (the projector and the decoder stay float32); the calibration graphs
 * are the float32 graphs with probes on those Linears' inputs.
 *
 * @param name     names the variant in cache keys and folder names ("fp16", "int8")
 * @param identity everything the built graphs depend on beyond the package and the frame size
 */
record GraphPrecision(String name, ComputeType compute, LinearQuantization linears, String identity) {

    /**
     * The graphs of {@code precision} (concrete) for {@code pkg}.
     *
     * @throws IllegalArgumentException for INT8 when the package holds no scales
     */
    static GraphPrecision of(Precision precision, FlashVsrPackage pkg) {
        return switch (precision) {
            case FP32 -> floating(ComputeType.FP32);
            case FP16 -> floating(ComputeType.FP16);
            case BF16 -> floating(ComputeType.BF16);
            case INT8 -> {
                Int8Scales scales = pkg.int8Scales().orElseThrow(() -> new IllegalArgumentException(
                        "package " + pkg.folder() + " has no int8 scales; calibrate it first"));
                yield new GraphPrecision("int8", ComputeType.FP32, LinearQuantization.w8a8(scales.inputScales()),
                        "int8 " + scales.method().nick() + " " + scales.sha256());
            }
            case AUTO -> throw new IllegalArgumentException("resolve AUTO to a concrete precision first");
        };
    }

    /** The float32 graphs with calibration probes ({@link FlashVsrCalibration}). */
    static GraphPrecision calibration() {
        return new GraphPrecision("calibration", ComputeType.FP32, LinearQuantization.calibrationProbes(),
                "fp32 calibration probes");
    }

    private static GraphPrecision floating(ComputeType type) {
        String nick = type.name().toLowerCase(Locale.ROOT);
        return new GraphPrecision(nick, type, LinearQuantization.NONE, nick);
    }
}
