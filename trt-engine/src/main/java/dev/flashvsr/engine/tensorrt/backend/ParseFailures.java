package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.tensorrt.check.TrtCompatibility;
import dev.flashvsr.engine.tensorrt.check.TrtProblem;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A graph TensorRT's ONNX parser rejected, explained with flashvsr's own static check
 * ({@link TrtCompatibility}, what {@code flashvsr trt-check} prints): the parser names a node, the
 * check says which rule it breaks and lists the graph's other errors.
 */
final class ParseFailures {
    /** The most problems quoted; the rest are counted. */
    static final int QUOTED = 8;

    private ParseFailures() {
    }

    /**
     * {@code failure} with the check's errors in {@code onnx} (named {@code graph}) added when it is
     * a {@link TrtException.Kind#PARSE} failure; any other failure unchanged.
     */
    static TrtException explained(TrtException failure, String graph, Path onnx) {
        if (failure.kind() != TrtException.Kind.PARSE) {
            return failure;
        }
        TrtCompatibility.GraphReport report;
        try {
            report = TrtCompatibility.check(graph, Files.readAllBytes(onnx), onnx.getParent());
        } catch (IOException | OutOfMemoryError e) {
            return failure; // the parser's own message still says what is wrong
        }
        // only errors: its warnings (e.g. dynamic sizes, which the engine's profile fixes) do not explain a rejection
        List<TrtProblem> problems = report.problems().stream()
                .filter(p -> p.severity() == TrtProblem.Severity.ERROR).toList();
        String found = problems.isEmpty() ? "flashvsr trt-check finds no error in " + graph
                : "flashvsr trt-check finds in " + graph + ": " + problems.stream().limit(QUOTED)
                        .map(TrtProblem::toString).collect(Collectors.joining("; "))
                        + (problems.size() > QUOTED ? "; and " + (problems.size() - QUOTED) + " more" : "");
        return new TrtException(TrtException.Kind.PARSE, failure.getMessage() + "; " + found, failure.remedy(),
                failure);
    }
}
