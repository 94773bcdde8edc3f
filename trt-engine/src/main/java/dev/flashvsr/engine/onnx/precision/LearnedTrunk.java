package dev.flashvsr.engine.onnx.precision;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a graph that reduced precision applies to: its learned convolutions and the Relu
 * nodes right after them. A convolution is learned when its weight is an initializer named
 * {@code *.weight}, the PyTorch / safetensors naming that {@code build-model} and
 * {@code torch.onnx.export} both keep; the fixed kernels a graph builder writes (bicubic phases,
 * luma, gradients) have other names and stay where they are, in fp32. Everything else (bicubic
 * base, residual add, recurrent state, motion smoothing, outputs) is outside the trunk.
 */
public final class LearnedTrunk {
    static final String WEIGHT_SUFFIX = ".weight";

    private final GraphProto graph;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final List<NodeProto> convolutions = new ArrayList<>();
    private final Set<NodeProto> nodes = new LinkedHashSet<>();

    private LearnedTrunk(GraphProto graph) {
        this.graph = graph;
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        for (NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
            node.getInputList().forEach(i -> consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(node));
        }
        for (NodeProto node : graph.getNodeList()) {
            if (isLearnedConv(node)) {
                convolutions.add(node);
                nodes.add(node);
            } else if (node.getOpType().equals("Relu") && nodes.contains(producers.get(node.getInput(0)))) {
                nodes.add(node);
            }
        }
    }

    /**
     * The trunk of {@code graph}.
     *
     * @throws IllegalArgumentException when the graph has no learned convolution (nothing to
     *     reduce: a fixed-function graph such as bicubic)
     */
    public static LearnedTrunk of(GraphProto graph) {
        LearnedTrunk trunk = new LearnedTrunk(graph);
        if (trunk.convolutions.isEmpty()) {
            throw new IllegalArgumentException("graph '" + graph.getName() + "' has no learned convolution (a Conv"
                    + " whose weight initializer is named *" + WEIGHT_SUFFIX + "); there is nothing to run in"
                    + " reduced precision");
        }
        return trunk;
    }

    private boolean isLearnedConv(NodeProto node) {
        return node.getOpType().equals("Conv") && node.getInputCount() >= 2
                && node.getInput(1).endsWith(WEIGHT_SUFFIX) && initializers.containsKey(node.getInput(1));
    }

    /** Learned convolutions, in graph order. */
    public List<NodeProto> convolutions() {
        return convolutions;
    }

    /** Convolutions and the Relu nodes that follow them. */
    Set<NodeProto> nodes() {
        return nodes;
    }

    boolean contains(NodeProto node) {
        return nodes.contains(node);
    }

    TensorProto initializer(String name) {
        return initializers.get(name);
    }

    NodeProto producer(String tensor) {
        return producers.get(tensor);
    }

    List<NodeProto> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    boolean isGraphOutput(String tensor) {
        return graph.getOutputList().stream().anyMatch(o -> o.getName().equals(tensor));
    }

    /**
     * The activations that INT8 quantizes, in graph order: the data input of every learned
     * convolution, then the trunk's branch of every skip Add (an Add with one input computed from
     * the trunk, directly or through a Slice, and one that is not: the bicubic base, which stays in
     * floating point).
     */
    public List<String> quantizedActivations() {
        Set<String> tensors = new LinkedHashSet<>();
        convolutions.forEach(conv -> tensors.add(conv.getInput(0)));
        tensors.addAll(residualBranches());
        return List.copyOf(tensors);
    }

    /** The trunk input of each skip Add, in graph order. */
    List<String> residualBranches() {
        List<String> branches = new ArrayList<>();
        for (NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Add") && node.getInputCount() == 2) {
                boolean first = fromTrunk(node.getInput(0));
                boolean second = fromTrunk(node.getInput(1));
                if (first != second) {
                    branches.add(node.getInput(first ? 0 : 1));
                }
            }
        }
        return branches;
    }

    private boolean fromTrunk(String tensor) {
        NodeProto producer = producers.get(tensor);
        if (producer != null && producer.getOpType().equals("Slice")) {
            producer = producers.get(producer.getInput(0));
        }
        return producer != null && nodes.contains(producer);
    }
}
