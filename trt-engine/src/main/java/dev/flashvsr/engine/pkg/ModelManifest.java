package dev.flashvsr.engine.pkg;

import dev.flashvsr.engine.Precision;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The manifest ({@code manifest.json}) of a model package: what the graphs are, what they take and
 * give, and what state they carry between frames. See the README's "Model packages" section for
 * the format; {@link ManifestReader} parses and validates it.
 *
 * @param name          the model's name
 * @param description   one line for people
 * @param neural        false only for classical (non-learned) models
 * @param latencyFrames input frames held before the first output
 * @param sizeMultiple  input width and height must be multiples of this
 * @param colorSpace    colour space of the graph's frame tensors; only {@code RGB} so far
 * @param valueRange    the [min, max] that 8-bit 0 and 255 map to
 * @param graphs        one graph per supported (scale, precision)
 */
public record ModelManifest(String name, String description, boolean neural, int latencyFrames, int sizeMultiple,
        String colorSpace, float[] valueRange, List<Graph> graphs) {

    public static final String FORMAT = "flashvsr-model/1";
    public static final String FILE_NAME = "manifest.json";

    /**
     * One ONNX graph, run once per frame (or tile). Frame tensors are NCHW float32 with N = 1.
     *
     * @param scale         output size over input size
     * @param precision     the arithmetic it computes in (never {@code AUTO}); {@code fp32} when the
     *                      manifest does not say (older packages)
     * @param file          the ONNX file, relative to the package
     * @param sha256        hex SHA-256 of that file
     * @param bytes         the file's size, or 0 when the manifest does not say (older packages)
     * @param frameInput    input taking the current frame [1, 3, H, W]
     * @param previousInput input taking the previous frame (the current one at stream start), if any
     * @param frameOutput   output giving the upscaled frame [1, 3, scale*H, scale*W]
     * @param state         tensors fed from one call's outputs to the next call's inputs
     * @param receptiveField how many input pixels away an output or state pixel depends on, 0 if
     *                      unknown; when known, a frame can be split into bands with that many
     *                      rows of overlap and run in parallel with exactly the whole-frame result
     */
    public record Graph(int scale, Precision precision, String file, String sha256, long bytes, String frameInput, Optional<String> previousInput,
            String frameOutput, List<State> state, int receptiveField) {
    }

    /**
     * A recurrent state tensor of shape [1, channels, H, W] at input resolution.
     *
     * @param input   graph input it is fed to
     * @param output  graph output that gives its next value
     * @param initial value of every element at stream start and after a reset
     */
    public record State(String input, String output, int channels, float initial) {
    }

    /** The float32 graph of this scale: every package has one per scale. */
    public Optional<Graph> graphFor(int scale) {
        return graphFor(scale, Precision.FP32);
    }

    public Optional<Graph> graphFor(int scale, Precision precision) {
        return graphs.stream().filter(g -> g.scale() == scale && g.precision() == precision).findFirst();
    }

    /** The precisions this package has a graph of for {@code scale}, in declaration order. */
    public Set<Precision> precisions(int scale) {
        Set<Precision> found = new LinkedHashSet<>();
        graphs.stream().filter(g -> g.scale() == scale).forEach(g -> found.add(g.precision()));
        return found;
    }
}
