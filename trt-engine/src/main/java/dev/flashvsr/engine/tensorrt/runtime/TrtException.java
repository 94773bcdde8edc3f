package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.EngineException;

/** A TensorRT failure; {@link #kind()} says which, so the caller can rebuild, fall back or report. */
public class TrtException extends EngineException {
    /** What failed. */
    public enum Kind {
        /** The ONNX parser rejected the graph. */
        PARSE,
        /** The builder failed, or the build settings do not fit the graph. */
        BUILD,
        /** The plan was built by another TensorRT version or for another GPU, or is corrupt: rebuild it. */
        INCOMPATIBLE,
        /** The GPU ran out of memory while building or running. */
        OUT_OF_MEMORY,
        /** Setting shapes or addresses, or enqueueing, failed. */
        RUNTIME
    }

    private final Kind kind;

    public TrtException(Kind kind, String message, String remedy) {
        super(message, remedy);
        this.kind = kind;
    }

    public TrtException(Kind kind, String message, String remedy, Throwable cause) {
        super(message, remedy, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
