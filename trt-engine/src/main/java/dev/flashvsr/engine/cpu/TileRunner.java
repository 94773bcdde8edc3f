package dev.flashvsr.engine.cpu;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.pkg.ModelManifest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one graph on one fixed-size region (a tile, or the whole frame) of a stream, carrying that
 * region's recurrent state from call to call. All tensors live in direct buffers allocated once:
 * inputs are written in place, outputs are pinned, and each state tensor alternates between two
 * buffers (this call's input is last call's output), so steady state allocates no tensor memory.
 * The direct buffers are freed with the runner; the ONNX Runtime session belongs to the model.
 */
final class TileRunner {
    private final OrtSession session;
    private final ModelManifest.Graph graph;
    private final int height;
    private final int width;
    private final long[] frameShape;
    private final long[] outputShape;
    private final FloatBuffer current;
    private final FloatBuffer previous;
    private final FloatBuffer output;
    private final List<ModelManifest.State> states;
    private final FloatBuffer[][] stateBuffers;
    private int stateSide;
    private boolean started;

    TileRunner(OrtSession session, ModelManifest.Graph graph, int height, int width) {
        this.session = session;
        this.graph = graph;
        this.height = height;
        this.width = width;
        int pixels = height * width;
        frameShape = new long[] {1, 3, height, width};
        outputShape = new long[] {1, 3, (long) height * graph.scale(), (long) width * graph.scale()};
        current = floats(3 * pixels);
        previous = graph.previousInput().isPresent() ? floats(3 * pixels) : null;
        output = floats(3 * pixels * graph.scale() * graph.scale());
        states = graph.state();
        stateBuffers = new FloatBuffer[states.size()][2];
        for (int i = 0; i < states.size(); i++) {
            stateBuffers[i][0] = floats(states.get(i).channels() * pixels);
            stateBuffers[i][1] = floats(states.get(i).channels() * pixels);
        }
        reset();
    }

    private static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The current frame's region, CHW; fill it before {@link #run()}. */
    FloatBuffer input() {
        return current;
    }

    /** The upscaled region, CHW, valid after {@link #run()} until the next run. */
    FloatBuffer output() {
        return output;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    int stateCount() {
        return states.size();
    }

    int stateChannels(int index) {
        return states.get(index).channels();
    }

    /** State tensor {@code index} that the next {@link #run()} reads (the last run's output), CHW. */
    FloatBuffer nextState(int index) {
        return stateBuffers[index][stateSide];
    }

    /** Back to stream start: initial state, and the next frame is its own previous frame. */
    void reset() {
        for (int i = 0; i < states.size(); i++) {
            float initial = states.get(i).initial();
            for (FloatBuffer buffer : stateBuffers[i]) {
                for (int j = 0; j < buffer.capacity(); j++) {
                    buffer.put(j, initial);
                }
            }
        }
        started = false;
    }

    void run() throws OrtException {
        if (previous != null && !started) {
            previous.clear();
            previous.put(current.duplicate().clear());
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        Map<String, OnnxTensor> outputs = new HashMap<>();
        try {
            inputs.put(graph.frameInput(), OnnxTensor.createTensor(OrtRuntime.ENV, current.clear(), frameShape));
            if (previous != null) {
                inputs.put(graph.previousInput().get(),
                        OnnxTensor.createTensor(OrtRuntime.ENV, previous.clear(), frameShape));
            }
            outputs.put(graph.frameOutput(), OnnxTensor.createTensor(OrtRuntime.ENV, output.clear(), outputShape));
            for (int i = 0; i < states.size(); i++) {
                long[] shape = {1, states.get(i).channels(), height, width};
                ModelManifest.State state = states.get(i);
                inputs.put(state.input(),
                        OnnxTensor.createTensor(OrtRuntime.ENV, stateBuffers[i][stateSide].clear(), shape));
                outputs.put(state.output(),
                        OnnxTensor.createTensor(OrtRuntime.ENV, stateBuffers[i][1 - stateSide].clear(), shape));
            }
            session.run(inputs, outputs).close();
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
        stateSide = 1 - stateSide;
        if (previous != null) {
            previous.clear();
            previous.put(current.duplicate().clear());
        }
        started = true;
    }

    @Override
    public String toString() {
        return "tile " + width + "x" + height + " of " + Arrays.toString(outputShape);
    }
}
