package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** An ORT session standing in for a TensorRT engine, with the profile it was "built" for. */
final class OrtTrtEngine implements TrtEngine {
    private final OrtSession session;
    private final BuildSettings settings;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Consumer<OrtTrtRuntime.ScratchUse> onScratch;

    /** @param onScratch told of each context created on caller-owned scratch */
    OrtTrtEngine(OrtSession session, BuildSettings settings, Consumer<OrtTrtRuntime.ScratchUse> onScratch)
            throws OrtException {
        this.session = session;
        this.settings = settings;
        this.onScratch = onScratch;
        add(session.getInputInfo(), true);
        add(session.getOutputInfo(), false);
    }

    private void add(Map<String, NodeInfo> nodes, boolean input) {
        for (NodeInfo node : nodes.values()) {
            tensors.put(node.getName(), new TensorInfo(node.getName(), input, OrtTensors.dataType(node),
                    OrtTensors.shape(node)));
        }
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /** The tensor called {@code name}, or null. */
    TensorInfo tensor(String name) {
        return tensors.get(name);
    }

    BuildSettings settings() {
        return settings;
    }

    OrtSession session() {
        return session;
    }

    @Override
    public TrtContext createContext() {
        return new OrtTrtContext(this, null);
    }

    /**
     * A stand-in for TensorRT's activation memory: the bytes of the engine's outputs at their
     * static shapes (at least 256), which the test contexts overwrite at each enqueue.
     */
    @Override
    public long scratchBytes() {
        long bytes = 0;
        for (TensorInfo tensor : tensors.values()) {
            if (!tensor.input() && Arrays.stream(tensor.shape()).allMatch(d -> d >= 0)) {
                bytes += Arrays.stream(tensor.shape()).reduce(1, Math::multiplyExact) * tensor.dataType().bytes();
            }
        }
        return Math.max(256, bytes);
    }

    @Override
    public TrtContext createContext(long scratchAddress, long scratchBytes) {
        if (scratchBytes < scratchBytes()) {
            throw new IllegalArgumentException("a context of this engine needs " + scratchBytes() + " bytes of scratch, "
                    + "not " + scratchBytes);
        }
        onScratch.accept(new OrtTrtRuntime.ScratchUse(scratchAddress, scratchBytes, scratchBytes()));
        return new OrtTrtContext(this, new OrtTrtContext.Scratch(scratchAddress, scratchBytes()));
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close a session: " + e.getMessage(), e);
        }
    }

    List<TensorInfo> inputs() {
        List<TensorInfo> inputs = new ArrayList<>();
        for (TensorInfo tensor : tensors.values()) {
            if (tensor.input()) {
                inputs.add(tensor);
            }
        }
        return inputs;
    }
}
