package dev.flashvsr.engine.tensorrt.check;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A static check of an ONNX model against what TensorRT 10.15's ONNX parser (onnx-tensorrt, opsets
 * {@value #MIN_OPSET} to {@value #MAX_OPSET}) accepts, without TensorRT: operators and their limits
 * ({@link OperatorRules}), INT8 Q/DQ ({@link QuantizationRules}), element types ({@link
 * TensorTypes}), graph input shapes, and external data files. Nodes inside If/Loop/Scan bodies
 * are not checked (none of our graphs has them).
 */
public final class TrtCompatibility {
    static final long MIN_OPSET = 9;
    static final long MAX_OPSET = 24;

    /** The problems of one graph and how many nodes it has. */
    public record GraphReport(int nodes, List<TrtProblem> problems) {
        public boolean hasErrors() {
            return problems.stream().anyMatch(p -> p.severity() == TrtProblem.Severity.ERROR);
        }
    }

    private TrtCompatibility() {
    }

    /**
     * Checks a serialized model named {@code graph} in the findings; {@code folder} is where its
     * external data files lie (null when it has no folder, e.g. a built-in graph).
     */
    public static GraphReport check(String graph, byte[] model, Path folder) {
        try {
            return check(graph, ModelProto.parseFrom(model), folder);
        } catch (InvalidProtocolBufferException e) {
            Findings findings = new Findings(graph);
            findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "-", "not an ONNX model: " + e.getMessage());
            return new GraphReport(0, findings.problems());
        }
    }

    public static GraphReport check(String graph, ModelProto model, Path folder) {
        Findings findings = new Findings(graph);
        GraphProto g = model.getGraph();
        GraphConstants constants = new GraphConstants(g);
        checkOpsets(model, findings);
        checkInputs(g, findings);
        checkTensors(g, folder, findings);
        for (NodeProto node : g.getNodeList()) {
            checkNode(node, constants, findings);
        }
        return new GraphReport(g.getNodeCount(), findings.problems());
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    private static void checkOpsets(ModelProto model, Findings findings) {
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (isDefaultDomain(opset.getDomain()) && (opset.getVersion() < MIN_OPSET || opset.getVersion() > MAX_OPSET)) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "-", "opset " + opset.getVersion()
                        + " is outside TensorRT 10.15's range " + MIN_OPSET + " to " + MAX_OPSET);
            }
        }
    }

    /**
     * Graph inputs need a known rank; symbolic sizes need an optimization profile (min/opt/max) at
     * build time, and a symbolic channel axis (axis 1 of a 4-D or 5-D input) cannot be built at
     * all, since convolutions and normalizations fix their channel count.
     */
    private static void checkInputs(GraphProto g, Findings findings) {
        Set<String> initializers = g.getInitializerList().stream().map(TensorProto::getName).collect(Collectors.toSet());
        for (ValueInfoProto input : g.getInputList()) {
            if (initializers.contains(input.getName())) {
                continue;
            }
            checkType(input, "graph input", findings);
            if (!input.getType().getTensorType().hasShape()) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "input", "input '" + input.getName()
                        + "' has no shape; TensorRT needs at least its rank");
                continue;
            }
            checkDims(input, findings);
        }
        for (ValueInfoProto output : g.getOutputList()) {
            checkType(output, "graph output", findings);
        }
        for (ValueInfoProto value : g.getValueInfoList()) {
            int type = value.getType().getTensorType().getElemType();
            if (type != TensorProto.DataType.INT8_VALUE && type != TensorProto.DataType.UNDEFINED_VALUE) {
                checkType(value, "value", findings);
            }
        }
    }

    /** One finding per input: an error for a symbolic channel axis, else a warning naming the symbolic axes. */
    private static void checkDims(ValueInfoProto input, Findings findings) {
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        List<String> symbolic = new ArrayList<>();
        for (int axis = 0; axis < dims.size(); axis++) {
            TensorShapeProto.Dimension dim = dims.get(axis);
            if (dim.hasDimValue()) {
                continue;
            }
            String name = dim.hasDimParam() ? "'" + dim.getDimParam() + "'" : "unknown";
            if (axis == 1 && dims.size() >= 4) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "input", "input '" + input.getName()
                        + "' axis 1 is " + name + ": TensorRT needs a fixed channel count");
            } else {
                symbolic.add("axis " + axis + " " + name);
            }
        }
        if (!symbolic.isEmpty()) {
            findings.add(TrtProblem.Severity.WARNING, Findings.GRAPH_LEVEL, "input", "input '" + input.getName()
                    + "' has sizes not fixed in the graph (" + String.join(", ", symbolic) + "): the engine needs"
                    + " an optimization profile (min/opt/max) for them");
        }
    }

    private static void checkType(ValueInfoProto value, String role, Findings findings) {
        String refusal = TensorTypes.refusal(value.getType().getTensorType().getElemType());
        if (refusal != null) {
            findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, role, role + " '" + value.getName() + "': "
                    + refusal);
        }
    }

    /** Initializer types (INT8 only as quantized weights and zero points, read by Q/DQ only) and their external data. */
    private static void checkTensors(GraphProto g, Path folder, Findings findings) {
        Set<String> readOnlyByQdq = new HashSet<>();
        Map<String, List<String>> readers = g.getNodeList().stream().flatMap(n -> n.getInputList().stream()
                .map(in -> Map.entry(in, n.getOpType()))).collect(Collectors.groupingBy(Map.Entry::getKey,
                Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        readers.forEach((value, ops) -> {
            if (ops.stream().allMatch(QuantizationRules::isQdq)) {
                readOnlyByQdq.add(value);
            }
        });
        for (TensorProto t : g.getInitializerList()) {
            String refusal = TensorTypes.refusal(t.getDataType());
            boolean quantized = t.getDataType() == TensorProto.DataType.INT8_VALUE && readOnlyByQdq.contains(t.getName());
            if (refusal != null && !quantized) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", "initializer '"
                        + t.getName() + "': " + refusal);
            }
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                checkExternalData(t, folder, findings);
            }
        }
    }

    private static void checkExternalData(TensorProto t, Path folder, Findings findings) {
        Map<String, String> entries = t.getExternalDataList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue, (a, b) -> b));
        String location = entries.getOrDefault("location", "");
        String prefix = "initializer '" + t.getName() + "' lies in external data '" + location + "'";
        if (folder == null) {
            findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", prefix
                    + ", but the graph has no folder to find it in");
            return;
        }
        Path file = folder.resolve(location).normalize();
        if (location.isEmpty() || !file.startsWith(folder.normalize())) {
            findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", prefix
                    + ", which is not a file name inside the graph's folder");
            return;
        }
        try {
            long end = Long.parseLong(entries.getOrDefault("offset", "0")) + Long.parseLong(entries.getOrDefault(
                    "length", "0"));
            if (!Files.isRegularFile(file)) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", prefix
                        + ", which is missing (TensorRT's parser reads it beside the model)");
            } else if (Files.size(file) < end) {
                findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", prefix + ", which holds "
                        + Files.size(file) + " bytes, less than the " + end + " the tensor needs");
            }
        } catch (NumberFormatException | IOException e) {
            findings.add(TrtProblem.Severity.ERROR, Findings.GRAPH_LEVEL, "initializer", prefix + ": " + e.getMessage());
        }
    }

    private static void checkNode(NodeProto node, GraphConstants constants, Findings findings) {
        if (!isDefaultDomain(node.getDomain())) {
            findings.error(node, "operator of domain '" + node.getDomain() + "': TensorRT would need a plugin for it");
            return;
        }
        if (!OperatorRules.SUPPORTED.contains(node.getOpType())) {
            findings.error(node, "operator not supported by TensorRT 10.15's ONNX parser");
            return;
        }
        if (QuantizationRules.isQdq(node.getOpType())) {
            QuantizationRules.check(node, constants, findings);
        }
        OperatorRules.Rule rule = OperatorRules.LIMITS.get(node.getOpType());
        if (rule != null) {
            rule.check(node, constants, findings);
        }
        checkTypeAttributes(node, findings);
    }

    /** Cast targets and Constant values are types the network computes in, so the same rules apply. */
    private static void checkTypeAttributes(NodeProto node, Findings findings) {
        for (AttributeProto a : node.getAttributeList()) {
            int type = switch (node.getOpType() + "." + a.getName()) {
                case "Cast.to" -> (int) a.getI();
                case "Constant.value", "ConstantOfShape.value" -> a.getT().getDataType();
                default -> TensorProto.DataType.UNDEFINED_VALUE;
            };
            String refusal = type == TensorProto.DataType.UNDEFINED_VALUE ? null : TensorTypes.refusal(type);
            if (refusal != null && !(type == TensorProto.DataType.INT8_VALUE && node.getOpType().equals("Constant"))) {
                findings.error(node, a.getName() + ": " + refusal);
            }
        }
    }
}
