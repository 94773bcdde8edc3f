package dev.flashvsr.engine.flashvsr;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.cpu.MappedWeights;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.onnx.WeightRef;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX graph of the FlashVSR pipeline in an ONNX Runtime session, run once per chunk (not per
 * frame, so plain arrays are fine). Streaming state follows one naming rule shared by all its
 * graphs: an output {@code X_out} is the next value of input {@code X}; {@link StreamState} keeps
 * those values, also across graphs (chunk 0's DiT hands its cache to the later chunks' DiT).
 */
final class GraphStep implements AutoCloseable {
    static final String STATE_SUFFIX = "_out";

    private final String what;
    private final OrtSession session;
    private final Map<String, OnnxTensor> weights = new HashMap<>();

    /**
     * Loads {@code model}; its inputs that {@code weightIndex} names are weights, fed from
     * {@code mapped} on every run.
     */
    GraphStep(String what, byte[] model, Map<String, WeightRef> weightIndex, MappedWeights mapped, int threads)
            throws EngineException {
        this.what = what;
        try (OrtSession.SessionOptions options = OrtRuntime.sessionOptions(threads)) {
            // Five sessions run one after another: without arenas each returns its activations
            // after a run, so the peak is the largest graph's, not the sum of all five.
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            session = OrtRuntime.ENV.createSession(model, options);
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime rejects the FlashVSR " + what + " graph: " + e.getMessage(),
                    "Re-import the model package; report a bug if it persists", e);
        }
        try {
            for (String name : session.getInputNames()) {
                WeightRef ref = weightIndex.get(name);
                if (ref != null) {
                    weights.put(name, mapped.tensor(ref));
                }
            }
        } catch (IOException e) {
            close();
            throw new EngineException("cannot map the weights of the FlashVSR " + what + " graph: " + e.getMessage(),
                    "Re-import the model package, or delete its graph cache", e);
        }
    }

    /** A float or int64 graph input. */
    record Input(float[] floats, long[] longs, long[] shape) {
        static Input of(float[] values, long... shape) {
            return new Input(values, null, shape);
        }

        static Input ofLongs(long[] values, long... shape) {
            return new Input(null, values, shape);
        }
    }

    /**
     * Runs the graph on {@code inputs} plus every state input it declares (from {@code state}),
     * stores its state outputs back into {@code state}, and returns the other outputs.
     */
    Map<String, float[]> run(Map<String, Input> inputs, StreamState state) throws EngineException {
        OrtEnvironment env = OrtRuntime.ENV;
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Input> e : inputs.entrySet()) {
                feeds.put(e.getKey(), tensor(env, e.getValue()));
            }
            Map<String, OnnxTensor> all = new HashMap<>(weights);
            all.putAll(feeds);
            for (String name : session.getInputNames()) {
                if (!all.containsKey(name)) {
                    StreamState.Value value = state.get(name);
                    if (value == null) {
                        throw new EngineException("the FlashVSR " + what + " graph needs state '" + name
                                + "' that no earlier step produced", "Report a bug");
                    }
                    all.put(name, value.tensor());
                }
            }
            Map<String, float[]> outputs = new HashMap<>();
            StreamState.Owner owner = new StreamState.Owner(session.run(all));
            try {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : owner.result()) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    String name = e.getKey();
                    if (name.endsWith(STATE_SUFFIX)) {
                        state.put(name.substring(0, name.length() - STATE_SUFFIX.length()), t, owner);
                    } else {
                        float[] values = new float[(int) t.getInfo().getNumElements()];
                        t.getFloatBuffer().get(values);
                        outputs.put(name, values);
                    }
                }
            } finally {
                owner.closeIfUnused();
            }
            return outputs;
        } catch (OrtException e) {
            throw new EngineException("ONNX Runtime failed in the FlashVSR " + what + " graph: " + e.getMessage(),
                    "Check the model package and the available memory", e);
        } finally {
            feeds.values().forEach(OnnxTensor::close); // weights and state stay: the model and the state own them
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, Input input) throws OrtException {
        return input.floats() != null ? OnnxTensor.createTensor(env, FloatBuffer.wrap(input.floats()), input.shape())
                : OnnxTensor.createTensor(env, LongBuffer.wrap(input.longs()), input.shape());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // already closed
        }
    }
}
