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
 * inputs are written in place, outputs are pinned, and the state is double-buffered (this call's
 * state input is last call's state output), so steady state allocates no tensor memory. What a run
 * only needs while it runs (frame input, upscaled output, state outputs) is in {@link RunBuffers},
 * which the tiles of a session share; the runner keeps its state and previous frame. The direct
 * buffers are freed with the runner; the ONNX Runtime session belongs to the model.
 */
final class TileRunner {
    private final OrtSession session;
    private final ModelManifest.Graph graph;
    private final int height;
    private final int width;
    private final long[] frameShape;
    private final long[] outputShape;
    private final RunBuffers run;
    private final FloatBuffer previous;
    private final List<ModelManifest.State> states;
    /** State tensor i as the next run reads it; swapped with the run's state output after each run. */
    private final FloatBuffer[] stateBuffers;
    private boolean started;

    /**
     * The buffers one run writes or reads only while it runs: the frame input, the upscaled output
     * and one output per state tensor. Runners of equal size that never run at the same time (the
     * tiles of a session) share one set.
     */
    static final class RunBuffers {
        private final FloatBuffer current;
        private final FloatBuffer output;
        private final FloatBuffer[] stateOutputs;

        RunBuffers(ModelManifest.Graph graph, int height, int width) {
            long pixels = (long) height * width;
            current = floats(3 * pixels);
            output = floats(3 * pixels * graph.scale() * graph.scale());
            stateOutputs = new FloatBuffer[graph.state().size()];
            for (int i = 0; i < stateOutputs.length; i++) {
                stateOutputs[i] = floats(graph.state().get(i).channels() * pixels);
            }
        }

        /** Tensor elements a set holds for a region of {@code pixels} input pixels. */
        static long elements(ModelManifest.Graph graph, long pixels) {
            return (3 + 3L * graph.scale() * graph.scale() + stateChannels(graph)) * pixels;
        }

        long bytes() {
            long elements = current.capacity() + output.capacity();
            for (FloatBuffer buffer : stateOutputs) {
                elements += buffer.capacity();
            }
            return elements * Float.BYTES;
        }
    }

    /** A runner with run buffers of its own. */
    TileRunner(OrtSession session, ModelManifest.Graph graph, int height, int width) {
        this(session, graph, height, width, new RunBuffers(graph, height, width));
    }

    /** A runner using {@code run}, which must have been made for the same graph and size. */
    TileRunner(OrtSession session, ModelManifest.Graph graph, int height, int width, RunBuffers run) {
        this.session = session;
        this.graph = graph;
        this.height = height;
        this.width = width;
        this.run = run;
        long pixels = (long) height * width;
        frameShape = new long[] {1, 3, height, width};
        outputShape = new long[] {1, 3, (long) height * graph.scale(), (long) width * graph.scale()};
        if (run.current.capacity() != 3 * pixels) {
            throw new IllegalArgumentException("run buffers of " + run.current.capacity() / 3 + " pixels for a "
                    + width + "x" + height + " region");
        }
        previous = graph.previousInput().isPresent() ? floats(3 * pixels) : null;
        states = graph.state();
        stateBuffers = new FloatBuffer[states.size()];
        for (int i = 0; i < states.size(); i++) {
            stateBuffers[i] = floats(states.get(i).channels() * pixels);
        }
        reset();
    }

    /** Tensor elements a runner keeps from run to run (state, previous frame) for {@code pixels} input pixels. */
    static long ownElements(ModelManifest.Graph graph, long pixels) {
        return ((graph.previousInput().isPresent() ? 3 : 0) + stateChannels(graph)) * pixels;
    }

    private static long stateChannels(ModelManifest.Graph graph) {
        return graph.state().stream().mapToLong(ModelManifest.State::channels).sum();
    }

    private static FloatBuffer floats(long count) {
        if (count > Integer.MAX_VALUE / Float.BYTES) {
            throw new IllegalArgumentException("a tensor of " + count + " floats does not fit a Java buffer (2 GiB);"
                    + " set tile-size or a memory budget");
        }
        return ByteBuffer.allocateDirect((int) count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Bytes of the buffers this runner keeps (not its run buffers, which may be shared). */
    long ownBytes() {
        long elements = previous == null ? 0 : previous.capacity();
        for (FloatBuffer buffer : stateBuffers) {
            elements += buffer.capacity();
        }
        return elements * Float.BYTES;
    }

    /** Bytes of the run buffers this runner uses (shared with other runners or its own). */
    long runBufferBytes() {
        return run.bytes();
    }

    /** The current frame's region, CHW; fill it before {@link #run()}. */
    FloatBuffer input() {
        return run.current;
    }

    /** The upscaled region, CHW, valid after {@link #run()} until the next run with the same run buffers. */
    FloatBuffer output() {
        return run.output;
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
        return stateBuffers[index];
    }

    /** Back to stream start: initial state, and the next frame is its own previous frame. */
    void reset() {
        for (int i = 0; i < states.size(); i++) {
            float initial = states.get(i).initial();
            FloatBuffer buffer = stateBuffers[i];
            for (int j = 0; j < buffer.capacity(); j++) {
                buffer.put(j, initial);
            }
        }
        started = false;
    }

    void run() throws OrtException {
        FloatBuffer current = run.current;
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
            outputs.put(graph.frameOutput(), OnnxTensor.createTensor(OrtRuntime.ENV, run.output.clear(), outputShape));
            for (int i = 0; i < states.size(); i++) {
                long[] shape = {1, states.get(i).channels(), height, width};
                ModelManifest.State state = states.get(i);
                inputs.put(state.input(), OnnxTensor.createTensor(OrtRuntime.ENV, stateBuffers[i].clear(), shape));
                outputs.put(state.output(),
                        OnnxTensor.createTensor(OrtRuntime.ENV, run.stateOutputs[i].clear(), shape));
            }
            session.run(inputs, outputs).close();
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
        }
        for (int i = 0; i < states.size(); i++) {
            FloatBuffer next = run.stateOutputs[i];
            run.stateOutputs[i] = stateBuffers[i];
            stateBuffers[i] = next;
        }
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
