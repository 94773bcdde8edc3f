package dev.flashvsr.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecurrentSrGraphTest {
    @TempDir
    Path dir;

    static Map<String, FloatTensor> randomWeights(RecurrentSrArchitecture arch, long seed) {
        Random random = new Random(seed);
        Map<String, FloatTensor> weights = new LinkedHashMap<>();
        for (int i = 0; i < arch.layers(); i++) {
            int out = arch.convOut(i);
            int in = arch.convIn(i);
            float[] w = new float[out * in * 9];
            double std = Math.sqrt(2.0 / (in * 9));
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) (random.nextGaussian() * std);
            }
            float[] b = new float[out];
            for (int k = 0; k < b.length; k++) {
                b[k] = (float) (random.nextGaussian() * 0.1);
            }
            weights.put(RecurrentSrArchitecture.weightName(i), FloatTensor.of(w, out, in, 3, 3));
            weights.put(RecurrentSrArchitecture.biasName(i), FloatTensor.of(b, out));
        }
        return weights;
    }

    // ------------------------------------------------------------ plain-Java reference, in double

    /** 3x3 convolution, zero padding 1, CHW. */
    static double[] conv3x3(double[] x, int in, int h, int w, FloatTensor weight, FloatTensor bias) {
        int out = (int) weight.dim(0);
        float[] k = weight.data();
        double[] y = new double[out * h * w];
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    double sum = bias.data()[o];
                    for (int i = 0; i < in; i++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int rr = r + dy;
                                int cc = c + dx;
                                if (rr >= 0 && rr < h && cc >= 0 && cc < w) {
                                    sum += k[((o * in + i) * 3 + dy + 1) * 3 + dx + 1] * x[(i * h + rr) * w + cc];
                                }
                            }
                        }
                    }
                    y[(o * h + r) * w + c] = sum;
                }
            }
        }
        return y;
    }

    static double keys(double t) {
        double a = -0.5;
        t = Math.abs(t);
        if (t <= 1) {
            return (a + 2) * t * t * t - (a + 3) * t * t + 1;
        }
        return t < 2 ? a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a : 0;
    }

    static double bicubic(float[] img, int ch, int h, int w, int s, int ox, int oy) {
        double sx = (ox + 0.5) / s - 0.5;
        double sy = (oy + 0.5) / s - 0.5;
        double sum = 0;
        for (int j = (int) Math.floor(sy) - 1; j <= (int) Math.floor(sy) + 2; j++) {
            for (int i = (int) Math.floor(sx) - 1; i <= (int) Math.floor(sx) + 2; i++) {
                int x = Math.min(Math.max(i, 0), w - 1);
                int y = Math.min(Math.max(j, 0), h - 1);
                sum += keys(sx - i) * keys(sy - j) * img[(ch * h + y) * w + x];
            }
        }
        return sum;
    }

    /**
     * Returns {output, hidden_out, residual_out} for one frame ({@code residual}: the gated
     * architecture's state, pixel_shuffle order; residual_out empty without a gate).
     */
    static double[][] reference(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights, float[] current,
            float[] previous, float[] hidden, float[] residual, int h, int w) {
        int s = arch.scale();
        int hc = arch.hiddenChannels();
        int plane = h * w;
        double[] x = new double[arch.inputChannels() * plane];
        for (int i = 0; i < 3 * plane; i++) {
            x[i] = current[i];
            x[3 * plane + i] = previous[i];
        }
        for (int i = 0; i < hc * plane; i++) {
            x[6 * plane + i] = hidden[i];
        }
        for (int l = 0; l < arch.layers(); l++) {
            if (l == arch.layers() - 1 && arch.temporalGate()) {
                int features = arch.convIn(l) - 1;
                x = java.util.Arrays.copyOf(x, arch.convIn(l) * plane);
                System.arraycopy(change(current, previous, h, w), 0, x, features * plane, plane);
            }
            x = conv3x3(x, arch.convIn(l), h, w, weights.get(RecurrentSrArchitecture.weightName(l)),
                    weights.get(RecurrentSrArchitecture.biasName(l)));
            if (l < arch.layers() - 1) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(0, x[i]);
                }
            }
        }
        int ow = w * s;
        int oh = h * s;
        double[] output = new double[3 * oh * ow];
        double[] residualOut = new double[arch.residualStateChannels() * plane];
        if (arch.temporalGate()) {
            java.util.Arrays.fill(residualOut, 3 * s * s * plane, residualOut.length, 1.0); // the raised flag
        }
        int gateStart = 3 * s * s + hc;
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    // pixel_shuffle: output channel c, sub-position (oy % s, ox % s) comes from
                    // input channel c * s * s + (oy % s) * s + (ox % s) at (oy / s, ox / s).
                    int phase = (oy % s) * s + (ox % s);
                    int lowRes = (oy / s) * w + ox / s;
                    int inChannel = c * s * s + phase;
                    double base = bicubic(current, c, h, w, s, ox, oy);
                    double detail = x[inChannel * plane + lowRes];
                    if (arch.temporalGate()) {
                        double gate = residual[3 * s * s * plane + lowRes]
                                / (1 + Math.exp(-x[(gateStart + phase) * plane + lowRes]));
                        double previousOutput = bicubic(previous, c, h, w, s, ox, oy)
                                + residual[inChannel * plane + lowRes];
                        detail = gate * (previousOutput - base) + (1 - gate) * detail;
                        residualOut[inChannel * plane + lowRes] = detail;
                    }
                    output[(c * oh + oy) * ow + ox] = base + detail;
                }
            }
        }
        double[] hiddenOut = new double[hc * plane];
        for (int i = 0; i < hiddenOut.length; i++) {
            hiddenOut[i] = Math.tanh(x[3 * s * s * plane + i]);
        }
        return new double[][] {output, hiddenOut, residualOut};
    }

    /** The gate's change channel: 255 |mean over the 3x3 neighbourhood (zeros outside) of the luma change|. */
    private static double[] change(float[] current, float[] previous, int h, int w) {
        int plane = h * w;
        double[] change = new double[plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double sum = 0;
                for (int sy = Math.max(0, y - 1); sy <= Math.min(h - 1, y + 1); sy++) {
                    for (int sx = Math.max(0, x - 1); sx <= Math.min(w - 1, x + 1); sx++) {
                        int i = sy * w + sx;
                        sum += 0.299 * (current[i] - previous[i]) + 0.587 * (current[plane + i] - previous[plane + i])
                                + 0.114 * (current[2 * plane + i] - previous[2 * plane + i]);
                    }
                }
                change[y * w + x] = 255 * Math.abs(sum / 9);
            }
        }
        return change;
    }

    static float[] randomImage(Random random, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    private static void assertClose(double[] want, float[] got, double tolerance, String what) {
        assertEquals(want.length, got.length, what + " length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tolerance, what + ": max error " + worst + " at " + at);
    }

    @ParameterizedTest(name = "scale {0}, hidden {1}, {2}, gate {3}")
    @CsvSource({"2, 2, PHASE_CONV, false", "4, 2, PHASE_CONV, false", "2, 0, PHASE_CONV, false",
        "4, 0, PHASE_CONV, false", "2, 2, RESIZE, false", "4, 2, RESIZE, false", "4, 2, EDGE_PADDED_RESIZE, false",
        "2, 2, PHASE_CONV, true", "4, 2, PHASE_CONV, true", "4, 0, PHASE_CONV, true"})
    void graphEqualsReferenceForwardPass(int scale, int hiddenChannels, BicubicMethod bicubic, boolean gate)
            throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(scale, 8, 3, hiddenChannels, gate);
        Map<String, FloatTensor> weights = randomWeights(arch, 100 + scale);
        byte[] model = RecurrentSrGraph.build(arch, weights, bicubic);
        int h = 9;
        int w = 7;
        Random random = new Random(5);
        float[] current = randomImage(random, 3 * h * w, 0, 1);
        float[] previous = randomImage(random, 3 * h * w, 0, 1);
        float[] hidden = randomImage(random, hiddenChannels * h * w, -1, 1);
        float[] residual = randomImage(random, arch.residualStateChannels() * h * w, -0.2f, 0.2f);
        for (int i = arch.residualChannels() * h * w; i < residual.length; i++) {
            residual[i] = 0.3f + 0.7f * random.nextFloat(); // the flag plane: partly open, to test its product
        }
        Map<String, Map.Entry<float[], long[]>> inputs = new HashMap<>();
        if (gate) {
            inputs.put(RecurrentSrArchitecture.INPUT_RESIDUAL, Map.entry(residual,
                    new long[] {1, arch.residualStateChannels(), h, w}));
        }
        inputs.put(RecurrentSrArchitecture.INPUT_CURRENT, Map.entry(current, new long[] {1, 3, h, w}));
        inputs.put(RecurrentSrArchitecture.INPUT_PREVIOUS, Map.entry(previous, new long[] {1, 3, h, w}));
        if (hiddenChannels > 0) {
            inputs.put(RecurrentSrArchitecture.INPUT_HIDDEN, Map.entry(hidden, new long[] {1, hiddenChannels, h, w}));
        }
        Map<String, float[]> got = OrtRunner.run(model, inputs);
        double[][] want = reference(arch, weights, current, previous, hidden, residual, h, w);
        assertClose(want[0], got.get(RecurrentSrArchitecture.OUTPUT_IMAGE), 1e-4, "output");
        if (hiddenChannels > 0) {
            assertClose(want[1], got.get(RecurrentSrArchitecture.OUTPUT_HIDDEN), 1e-4, "hidden_out");
        }
        if (gate) {
            // residual_out is in the low-res CRD layout; the reference wrote it at the same indices
            assertClose(want[2], got.get(RecurrentSrArchitecture.OUTPUT_RESIDUAL), 1e-4, "residual_out");
        }
        assertEquals(1 + (hiddenChannels > 0 ? 1 : 0) + (gate ? 1 : 0), got.size(), "outputs");
    }

    @Test
    void gatedGraphDeclaresItsStateAndNeedsBicubicPhases() throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 8, 3, 2, true);
        Map<String, FloatTensor> weights = randomWeights(arch, 3);
        ModelProto model = ModelProto.parseFrom(RecurrentSrGraph.build(arch, weights));
        assertTrue(model.getMetadataPropsList().stream().anyMatch(
                e -> e.getKey().equals(RecurrentSrGraph.META_TEMPORAL_GATE) && e.getValue().equals("true")));
        try (OrtSession session = OrtRunner.session(model.toByteArray(), 1)) {
            assertEquals(java.util.Set.of("current", "previous", "hidden", "residual"), session.getInputNames());
            assertEquals(java.util.Set.of("output", "hidden_out", "residual_out"), session.getOutputNames());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSrGraph.build(arch, weights, BicubicMethod.RESIZE));
        assertTrue(e.getMessage().contains("bicubic phases"), e.getMessage());
    }

    @Test
    void modelDeclaresInputsOutputsOpsetAndArchitecture() throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 8, 3, 2);
        ModelProto model = ModelProto.parseFrom(RecurrentSrGraph.build(arch, randomWeights(arch, 1)));
        assertEquals(OnnxGraphBuilder.IR_VERSION, model.getIrVersion());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("", model.getOpsetImport(0).getDomain());
        Map<String, String> meta = model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
        assertEquals("RecurrentSr", meta.get(RecurrentSrGraph.META_ARCHITECTURE));
        assertEquals("4", meta.get(RecurrentSrGraph.META_SCALE));
        assertEquals("8", meta.get(RecurrentSrGraph.META_FEATURES));
        assertEquals("3", meta.get(RecurrentSrGraph.META_LAYERS));
        assertEquals("2", meta.get(RecurrentSrGraph.META_HIDDEN_CHANNELS));
        try (OrtSession session = OrtRunner.session(model.toByteArray(), 1)) {
            assertEquals(java.util.Set.of("current", "previous", "hidden"), session.getInputNames());
            assertEquals(java.util.Set.of("output", "hidden_out"), session.getOutputNames());
            assertEquals("RecurrentSr", session.getMetadata().getCustomMetadata().get(RecurrentSrGraph.META_ARCHITECTURE));
        }
    }

    @Test
    void buildsFromSafetensors() throws Exception {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(2, 8, 3, 2);
        Map<String, FloatTensor> weights = randomWeights(arch, 9);
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, weights, Map.of("arch", arch.toString()));
        assertEquals(ModelProto.parseFrom(RecurrentSrGraph.build(arch, weights)),
                ModelProto.parseFrom(RecurrentSrGraph.build(arch, file)));

        Map<String, FloatTensor> wrong = new HashMap<>(weights);
        wrong.remove("conv1.bias");
        Path bad = dir.resolve("bad.safetensors");
        SafeTensors.write(bad, wrong, null);
        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentSrGraph.build(arch, bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("missing tensor 'conv1.bias'"),
                e.getMessage());
    }

    @Test
    void badWeightsGiveClearErrors() {
        RecurrentSrArchitecture arch = new RecurrentSrArchitecture(4, 8, 3, 2);
        Map<String, FloatTensor> good = randomWeights(arch, 3);

        Map<String, FloatTensor> missing = new HashMap<>(good);
        missing.remove("conv2.weight");
        assertMessage(arch, missing, "missing tensor 'conv2.weight' of shape [50, 8, 3, 3]");

        Map<String, FloatTensor> shape = new HashMap<>(good);
        shape.put("conv0.weight", FloatTensor.of(new float[8 * 7 * 9], 8, 7, 3, 3));
        assertMessage(arch, shape, "tensor 'conv0.weight' has shape [8, 7, 3, 3], expected [8, 8, 3, 3]");

        Map<String, FloatTensor> bias = new HashMap<>(good);
        bias.put("conv1.bias", FloatTensor.of(new float[8], 1, 8));
        assertMessage(arch, bias, "tensor 'conv1.bias' has shape [1, 8], expected [8]");

        Map<String, FloatTensor> extra = new HashMap<>(good);
        extra.put("conv3.weight", FloatTensor.of(new float[1], 1));
        assertMessage(arch, extra, "unexpected tensors [conv3.weight]");

        Map<String, FloatTensor> nan = new HashMap<>(good);
        float[] data = good.get("conv1.weight").data().clone();
        data[5] = Float.NaN;
        nan.put("conv1.weight", FloatTensor.of(data, 8, 8, 3, 3));
        assertMessage(arch, nan, "tensor 'conv1.weight' has a non-finite value (NaN) at flat index 5");

        // All problems are reported at once.
        Map<String, FloatTensor> several = new HashMap<>(missing);
        several.putAll(Map.of("conv1.bias", FloatTensor.of(new float[8], 1, 8)));
        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentSrGraph.build(arch, several));
        assertTrue(e.getMessage().contains("conv2.weight") && e.getMessage().contains("conv1.bias"), e.getMessage());
    }

    private static void assertMessage(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights, String fragment) {
        var e = assertThrows(IllegalArgumentException.class, () -> RecurrentSrGraph.build(arch, weights));
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' in: " + e.getMessage());
    }
}
