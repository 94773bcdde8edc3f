package dev.flashvsr.tools.calibrate;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.flashvsr.engine.onnx.precision.CalibrationGraph;
import dev.flashvsr.engine.onnx.precision.HalfPrecision;
import dev.flashvsr.engine.onnx.precision.Int8Quantization;
import dev.flashvsr.engine.pkg.ModelManifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes the FP16 and INT8 variants of one fp32 graph: runs the graph over the calibration clips
 * with the activations INT8 quantizes as extra outputs, builds an INT8 graph with the scales of
 * every {@link ScaleMethod}, measures each variant's PSNR against the fp32 output on the same
 * clips and keeps the INT8 graph with the highest (the first method on a tie).
 */
final class Calibrator {

    /** A variant and its PSNR against the fp32 graph's output on the calibration clips. */
    record Candidate(String label, byte[] onnx, double psnr) {
    }

    /** The outcome for one graph: the FP16 variant, every INT8 candidate, and the chosen one. */
    record Result(ModelManifest.Graph fp32, Candidate fp16, List<Candidate> int8, Candidate chosen) {
    }

    private Calibrator() {
    }

    /**
     * @param label the graph as messages name it, e.g. {@code vsr-small/x4.onnx}
     * @throws CalibrationException when the graph cannot be parsed, converted or run, an activation
     *     is not finite or always zero, or a scale comes out unusable
     */
    static Result calibrate(ModelManifest.Graph graph, byte[] fp32Bytes, String label,
            List<CalibrationClips.Clip> clips) throws CalibrationException {
        ModelProto fp32 = parse(fp32Bytes, label);
        List<String> activations;
        byte[] calibrationBytes;
        try {
            activations = CalibrationGraph.activations(fp32);
            calibrationBytes = CalibrationGraph.withActivationOutputs(fp32).toByteArray();
        } catch (IllegalArgumentException e) {
            throw new CalibrationException(label + ": " + e.getMessage(), e);
        }
        Map<String, ActivationHistogram> histograms = new LinkedHashMap<>();
        activations.forEach(a -> histograms.put(a, new ActivationHistogram(a)));
        List<float[]> reference = new ArrayList<>();
        List<String> firstPass = new ArrayList<>(activations);
        firstPass.add(graph.frameOutput());
        // two passes over the clips rather than keeping every activation of every frame in memory
        try (GraphStreams streams = new GraphStreams(calibrationBytes, graph, label)) {
            streams.run(clips, firstPass, outputs -> {
                histograms.forEach((tensor, h) -> h.addToMaximum(outputs.get(tensor)));
                reference.add(outputs.get(graph.frameOutput()));
            });
            for (ActivationHistogram h : histograms.values()) {
                h.checkUsable();
            }
            streams.run(clips, activations, outputs -> histograms.forEach((tensor, h) ->
                    h.addToHistogram(outputs.get(tensor))));
        }
        Candidate fp16 = measure("fp16", HalfPrecision.convert(fp32), graph, label, clips, reference);
        List<Candidate> int8 = new ArrayList<>();
        Candidate chosen = null;
        for (ScaleMethod method : ScaleMethod.values()) {
            Map<String, Float> scales = new LinkedHashMap<>();
            histograms.forEach((tensor, h) -> scales.put(tensor, method.scale(h)));
            ModelProto quantized;
            try {
                quantized = Int8Quantization.quantize(fp32, scales);
            } catch (IllegalArgumentException e) {
                throw new CalibrationException(label + ": the " + method.label() + " scales are unusable: "
                        + e.getMessage(), e);
            }
            Candidate candidate = measure("int8 " + method.label(), quantized, graph, label, clips, reference);
            int8.add(candidate);
            if (chosen == null || candidate.psnr() > chosen.psnr()) {
                chosen = candidate;
            }
        }
        return new Result(graph, fp16, int8, chosen);
    }

    private static ModelProto parse(byte[] bytes, String label) throws CalibrationException {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CalibrationException(label + " is not an ONNX model: " + e.getMessage(), e);
        }
    }

    private static Candidate measure(String variant, ModelProto model, ModelManifest.Graph graph, String label,
            List<CalibrationClips.Clip> clips, List<float[]> reference) throws CalibrationException {
        byte[] onnx = model.toByteArray();
        double[] squaredError = {0};
        long[] count = {0};
        int[] frame = {0};
        try (GraphStreams streams = new GraphStreams(onnx, graph, label + " (" + variant + ")")) {
            streams.run(clips, List.of(graph.frameOutput()), outputs -> {
                float[] expected = reference.get(frame[0]++);
                float[] actual = outputs.get(graph.frameOutput());
                for (int i = 0; i < expected.length; i++) {
                    // compared as displayed: both clamped to the value range
                    double d = clamp(actual[i]) - clamp(expected[i]);
                    squaredError[0] += d * d;
                }
                count[0] += expected.length;
            });
        }
        double mse = squaredError[0] / count[0];
        return new Candidate(variant, onnx, mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(1 / mse));
    }

    private static double clamp(float v) {
        return Math.max(0, Math.min(1, v));
    }
}
