package dev.flashvsr.engine.pkg;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.onnx.RecurrentSrGraph;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a model package for the default network ({@link RecurrentSrArchitecture}) from trained
 * weights: one ONNX graph per scale, built in Java, and the manifest with their checksums. The
 * architecture is read off the weight shapes, so the weights file is the only input.
 */
public final class RecurrentSrPackage {
    private RecurrentSrPackage() {
    }

    /** The architecture that weights of these shapes belong to. */
    public static RecurrentSrArchitecture architectureOf(Map<String, FloatTensor> weights) {
        int layers = 0;
        while (weights.containsKey(RecurrentSrArchitecture.weightName(layers))) {
            layers++;
        }
        if (layers < 2) {
            throw new IllegalArgumentException("weights need conv0.weight and conv1.weight at least");
        }
        FloatTensor first = weights.get(RecurrentSrArchitecture.weightName(0));
        FloatTensor last = weights.get(RecurrentSrArchitecture.weightName(layers - 1));
        int features = (int) first.dim(0);
        int hidden = (int) first.dim(1) - 6;
        // the last convolution: 3 residual channels per output pixel, the hidden ones, and with a
        // temporal gate one more per output pixel
        int perPixel = (int) last.dim(0) - hidden;
        for (int scale : new int[] {2, 4}) {
            if (hidden >= 0 && (perPixel == 3 * scale * scale || perPixel == 4 * scale * scale)) {
                return new RecurrentSrArchitecture(scale, features, layers, hidden, perPixel == 4 * scale * scale);
            }
        }
        throw new IllegalArgumentException("weight shapes fit no RecurrentSr architecture: conv0 "
                + java.util.Arrays.toString(first.shape()) + ", conv" + (layers - 1) + " "
                + java.util.Arrays.toString(last.shape()));
    }

    /**
     * Builds {@code x<scale>.onnx} for every weights file and writes {@code manifest.json} into
     * {@code dir}.
     *
     * @param smoothing the temporal smoothing every graph gets, or null for none
     */
    public static void write(Path dir, String name, String description, List<Path> weightFiles,
            MotionSmoothing smoothing) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest = json.createObjectNode();
        manifest.put("format", ModelManifest.FORMAT);
        manifest.put("name", name);
        manifest.put("description", description);
        manifest.put("neural", true);
        manifest.put("latencyFrames", 0);
        manifest.put("sizeMultiple", 1);
        manifest.put("colorSpace", "RGB");
        manifest.putArray("valueRange").add(0.0).add(1.0);
        ArrayNode graphs = manifest.putArray("graphs");
        for (Path weightFile : weightFiles) {
            Map<String, FloatTensor> weights = SafeTensors.readAll(weightFile);
            RecurrentSrArchitecture arch;
            byte[] onnx;
            try {
                arch = architectureOf(weights);
                // build validates shapes and refuses non-finite values, which give black or white frames
                onnx = RecurrentSrGraph.build(arch, weights, smoothing);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(weightFile + ": " + e.getMessage(), e);
            }
            String file = "x" + arch.scale() + ".onnx";
            Files.write(dir.resolve(file), onnx);
            ObjectNode graph = graphs.addObject();
            graph.put("scale", arch.scale());
            graph.put("file", file);
            graph.put("sha256", ModelPackage.sha256(onnx));
            graph.put("bytes", onnx.length);
            graph.put("frameInput", RecurrentSrArchitecture.INPUT_CURRENT);
            graph.put("previousInput", RecurrentSrArchitecture.INPUT_PREVIOUS);
            graph.put("frameOutput", RecurrentSrArchitecture.OUTPUT_IMAGE);
            graph.put("receptiveField", smoothing == null ? arch.receptiveRadius()
                    : Math.max(arch.receptiveRadius(), smoothing.receptiveRadius()));
            ArrayNode states = graph.putArray("state");
            if (arch.hiddenChannels() > 0) {
                addState(states, RecurrentSrArchitecture.INPUT_HIDDEN, RecurrentSrArchitecture.OUTPUT_HIDDEN,
                        arch.hiddenChannels());
            }
            if (arch.temporalGate()) {
                addState(states, RecurrentSrArchitecture.INPUT_RESIDUAL, RecurrentSrArchitecture.OUTPUT_RESIDUAL,
                        arch.residualStateChannels());
            }
            if (smoothing != null) {
                addState(states, MotionSmoothing.INPUT_STATE, MotionSmoothing.OUTPUT_STATE,
                        MotionSmoothing.stateChannels(arch.scale()));
            }
        }
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), json.writeValueAsString(manifest) + "\n");
    }

    private static void addState(ArrayNode states, String input, String output, int channels) {
        ObjectNode state = states.addObject();
        state.put("input", input);
        state.put("output", output);
        state.put("channels", channels);
        state.put("initial", 0.0);
    }
}
