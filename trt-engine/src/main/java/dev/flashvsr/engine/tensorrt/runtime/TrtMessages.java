package dev.flashvsr.engine.tensorrt.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Forwards TensorRT's messages to a {@link TrtLog} and keeps the error lines, so a failure's
 * exception can carry TensorRT's own words.
 */
final class TrtMessages implements TrtLog {
    private final TrtLog target;
    private final List<String> errors = new ArrayList<>();

    TrtMessages(TrtLog target) {
        this.target = target;
    }

    @Override
    public synchronized void log(Severity severity, String message) {
        if (severity == Severity.ERROR) {
            errors.add(message);
        }
        target.log(severity, message);
    }

    /** Adds an error line that did not come through the logger (e.g. one of the ONNX parser's errors). */
    synchronized void error(String message) {
        log(Severity.ERROR, message);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized void clear() {
        errors.clear();
    }

    /** {@code what}, then TensorRT's error lines, or a note that it gave none. */
    String describe(String what) {
        List<String> lines = errors();
        return lines.isEmpty() ? what + " (TensorRT logged no error)" : what + ": " + String.join("; ", lines);
    }

    /** Whether the error lines say the GPU ran out of memory. */
    boolean outOfMemory() {
        for (String line : errors()) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.contains("out of memory") || lower.contains("outofmemory")
                    || lower.contains("memoryallocation") || lower.contains("memory allocation failed")) {
                return true;
            }
        }
        return false;
    }
}
