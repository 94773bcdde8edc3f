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

/**
 * An ORT session standing in for a TensorRT engine, with the profile it was "built" for and, when
 * built with weight streaming, TensorRT's rules for the streaming budget.
 */
final class OrtTrtEngine implements TrtEngine {
    /** A stand-in for the device memory TensorRT stages streamed weights in, added to each context's scratch. */
    static final long STAGING_BYTES = 256;

    private final OrtSession session;
    private final BuildSettings settings;
    private final String graphName;
    private final long graphBytes;
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    private final Consumer<OrtTrtRuntime.ScratchUse> onScratch;
    private final Consumer<OrtTrtRuntime.WeightBudget> onBudget;
    private int openContexts;
    private boolean streaming;

    /**
     * @param onScratch told of each context created on caller-owned scratch
     * @param onBudget told of each weight streaming budget taken
     */
    OrtTrtEngine(OrtSession session, OrtPlan plan, Consumer<OrtTrtRuntime.ScratchUse> onScratch,
            Consumer<OrtTrtRuntime.WeightBudget> onBudget) throws OrtException {
        this.session = session;
        this.settings = plan.settings();
        this.graphName = plan.graphName();
        this.graphBytes = plan.graph().length;
        this.onScratch = onScratch;
        this.onBudget = onBudget;
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
    public synchronized TrtContext createContext() {
        openContexts++;
        return new OrtTrtContext(this, null);
    }

    synchronized void contextClosed() {
        openContexts--;
    }

    /** The graph's bytes stand in for its weights, which TensorRT would stream. */
    @Override
    public long streamableWeightBytes() {
        return settings.weightStreaming() ? graphBytes : 0;
    }

    /** TensorRT's rules: an engine built for it, no open context, a budget within the streamable weights. */
    @Override
    public synchronized void streamWeights(long budgetBytes) throws TrtException {
        long streamable = streamableWeightBytes();
        if (streamable == 0) {
            throw new TrtException(TrtException.Kind.RUNTIME, "this TensorRT engine was built without weight"
                    + " streaming", "build it with BuildSettings.weightStreaming");
        }
        if (budgetBytes < 0 || budgetBytes > streamable) {
            throw new IllegalArgumentException("a weight streaming budget is 0 to " + streamable + " bytes, not "
                    + budgetBytes);
        }
        if (openContexts > 0) {
            throw new TrtException(TrtException.Kind.RUNTIME, "TensorRT cannot change the weight streaming budget"
                    + " while the engine has " + openContexts + " open execution context(s)",
                    "set the budget right after loading the engine, before creating contexts");
        }
        streaming = budgetBytes < streamable;
        onBudget.accept(new OrtTrtRuntime.WeightBudget(graphName, budgetBytes, streamable));
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
                bytes += tensor.bytes();
            }
        }
        return Math.max(256, bytes) + (streaming ? STAGING_BYTES : 0);
    }

    @Override
    public synchronized TrtContext createContext(long scratchAddress, long scratchBytes) {
        if (scratchBytes < scratchBytes()) {
            throw new IllegalArgumentException("a context of this engine needs " + scratchBytes() + " bytes of scratch, "
                    + "not " + scratchBytes);
        }
        onScratch.accept(new OrtTrtRuntime.ScratchUse(scratchAddress, scratchBytes, scratchBytes()));
        openContexts++;
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
