package dev.flashvsr.engine.flashvsr;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.cpu.OrtRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The streaming state of one FlashVSR stream: graph-input name to its current value, held in
 * native memory. A graph's state output is fed as it is to the next graph that takes it (the
 * DiT's key/value cache, hundreds of MB at 256x256, is never copied into the heap and back), and
 * the run's result that holds it is closed once none of its values is state any more.
 */
final class StreamState implements StateStore, AutoCloseable {

    /** A run's result, closed when the last of its state values is replaced. */
    static final class Owner {
        private final OrtSession.Result result;
        private int live;

        Owner(OrtSession.Result result) {
            this.result = result;
        }

        OrtSession.Result result() {
            return result;
        }

        private void release() {
            if (--live == 0) {
                result.close();
            }
        }

        /** Closes the result now when it holds no state value. */
        void closeIfUnused() {
            if (live == 0) {
                result.close();
            }
        }
    }

    /** A float tensor value; {@code owner} is null for one made from Java values. */
    record Value(OnnxTensor tensor, Owner owner) {
        long[] shape() {
            return tensor.getInfo().getShape();
        }

        private void release() {
            if (owner != null) {
                owner.release();
            } else {
                tensor.close();
            }
        }
    }

    private final Map<String, Value> values = new HashMap<>();

    Value get(String input) {
        return values.get(input);
    }

    /** Stores a state output of a run; {@code owner} holds it until it is replaced. */
    void put(String input, OnnxTensor tensor, Owner owner) {
        owner.live++;
        replace(input, new Value(tensor, owner));
    }

    @Override
    public void put(String input, float[] data, long[] shape) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(Float.BYTES * data.length).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(data).rewind();
        replace(input, direct(buffer, shape));
    }

    private void replace(String input, Value value) {
        Value old = values.put(input, value);
        if (old != null) {
            old.release();
        }
    }

    /** Each value is rotated as a copy of its floats, then replaced by that copy. */
    @Override
    public void rebaseKeys(String prefix, KeyCacheRebase rebase) {
        List<String> names = new ArrayList<>();
        values.keySet().forEach(name -> {
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        });
        for (String name : names) {
            Value value = values.get(name);
            FloatBuffer copy = ByteBuffer.allocateDirect(Float.BYTES * (int) value.tensor().getInfo().getNumElements())
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            copy.put(value.tensor().getFloatBuffer()).rewind();
            rebase.apply(copy);
            replace(name, direct(copy.rewind(), value.shape()));
        }
    }

    private static Value direct(FloatBuffer buffer, long[] shape) {
        try {
            return new Value(OnnxTensor.createTensor(OrtRuntime.ENV, buffer, shape), null);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused a state tensor: " + e.getMessage(), e);
        }
    }

    void clear() {
        values.values().forEach(Value::release);
        values.clear();
    }

    @Override
    public void close() {
        clear();
    }
}
