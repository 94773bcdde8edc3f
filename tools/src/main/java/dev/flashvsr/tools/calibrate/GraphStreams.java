package dev.flashvsr.tools.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.pkg.ModelManifest;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one graph of a package over calibration clips as streams: each clip starts from the
 * manifest's initial state with its first frame as its own previous frame, and every later frame
 * gets the state the one before left. One intra-op thread and sequential execution, so two runs
 * give the same values bit for bit.
 */
final class GraphStreams implements AutoCloseable {
    /** Receives every frame's requested outputs (name to values), in clip and frame order. */
    @FunctionalInterface
    interface FrameOutputs {
        void accept(Map<String, float[]> outputs) throws CalibrationException;
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelManifest.Graph graph;
    private final String label;

    /** @param label the graph as messages name it, e.g. {@code vsr-small/x4.onnx} */
    GraphStreams(byte[] model, ModelManifest.Graph graph, String label) throws CalibrationException {
        this.graph = graph;
        this.label = label;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, options);
        } catch (OrtException e) {
            throw new CalibrationException(label + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
    }

    /**
     * Runs every clip and hands {@code wanted} outputs of each frame to {@code sink}.
     *
     * @throws CalibrationException when ONNX Runtime fails, or the output is not {@code scale}
     *     times the input (a manifest whose scale contradicts its graph)
     */
    void run(List<CalibrationClips.Clip> clips, List<String> wanted, FrameOutputs sink) throws CalibrationException {
        int scale = graph.scale();
        for (CalibrationClips.Clip clip : clips) {
            int w = clip.width();
            int h = clip.height();
            Map<String, float[]> state = new HashMap<>();
            for (ModelManifest.State s : graph.state()) {
                float[] initial = new float[s.channels() * w * h];
                Arrays.fill(initial, s.initial());
                state.put(s.input(), initial);
            }
            float[] previous = clip.frames().get(0);
            for (float[] current : clip.frames()) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                try {
                    inputs.put(graph.frameInput(), tensor(current, 3, h, w));
                    if (graph.previousInput().isPresent()) {
                        inputs.put(graph.previousInput().get(), tensor(previous, 3, h, w));
                    }
                    for (ModelManifest.State s : graph.state()) {
                        inputs.put(s.input(), tensor(state.get(s.input()), s.channels(), h, w));
                    }
                    try (OrtSession.Result result = session.run(inputs)) {
                        float[] image = values(result, graph.frameOutput());
                        if (image.length != 3L * w * scale * h * scale) {
                            throw new CalibrationException(label + ": the manifest says x" + scale + ", but the graph"
                                    + " makes " + image.length + " output values from a " + w + "x" + h + " frame"
                                    + " (x" + scale + " would be " + 3L * w * scale * h * scale + "); fix the"
                                    + " manifest's \"scale\" of " + graph.file());
                        }
                        for (ModelManifest.State s : graph.state()) {
                            state.put(s.input(), values(result, s.output()));
                        }
                        Map<String, float[]> outputs = new HashMap<>();
                        for (String name : wanted) {
                            outputs.put(name, values(result, name));
                        }
                        sink.accept(outputs);
                    }
                } catch (OrtException e) {
                    throw new CalibrationException(label + ": ONNX Runtime failed on " + clip.name() + ": "
                            + e.getMessage(), e);
                } finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
                previous = current;
            }
        }
    }

    private OnnxTensor tensor(float[] data, int channels, int h, int w) throws OrtException {
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {1, channels, h, w});
    }

    private static float[] values(OrtSession.Result result, String name) throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing left to release
        }
    }
}
