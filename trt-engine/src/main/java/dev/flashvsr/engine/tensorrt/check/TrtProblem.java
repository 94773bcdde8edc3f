package dev.flashvsr.engine.tensorrt.check;

/**
 * One finding of {@link TrtCompatibility}: where (graph file, node name, op type; the node is
 * "-" for graph-level findings) and what is wrong and why. Errors make TensorRT's ONNX parser or
 * builder fail; warnings are things it accepts but that need care (an optimization profile, a
 * check on a GPU).
 */
public record TrtProblem(Severity severity, String graph, String node, String opType, String what) {

    public enum Severity { ERROR, WARNING }

    /** One line: {@code graph: node NAME (OP): what}, prefixed with "warning:" for warnings. */
    @Override
    public String toString() {
        return (severity == Severity.WARNING ? "warning: " : "") + graph + ": node " + node + " (" + opType + "): "
                + what;
    }
}
