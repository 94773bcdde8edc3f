package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one graph file. */
final class Findings {
    /** The node column of a finding about the graph itself (its inputs, opset, tensors). */
    static final String GRAPH_LEVEL = "-";

    private final String graph;
    private final List<TrtProblem> problems = new ArrayList<>();

    Findings(String graph) {
        this.graph = graph;
    }

    void error(NodeProto node, String what) {
        add(TrtProblem.Severity.ERROR, node.getName(), node.getOpType(), what);
    }

    void warning(NodeProto node, String what) {
        add(TrtProblem.Severity.WARNING, node.getName(), node.getOpType(), what);
    }

    void add(TrtProblem.Severity severity, String node, String opType, String what) {
        problems.add(new TrtProblem(severity, graph, node.isEmpty() ? "(unnamed)" : node, opType, what));
    }

    List<TrtProblem> problems() {
        return List.copyOf(problems);
    }
}
