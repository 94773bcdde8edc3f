package dev.flashvsr.engine.tensorrt.runtime;

/** Where TensorRT's logger messages go (the provider sends them to the flashvsr debug category). */
@FunctionalInterface
public interface TrtLog {
    /** TensorRT's severities; its INTERNAL_ERROR maps to ERROR. */
    enum Severity {
        ERROR, WARNING, INFO, VERBOSE
    }

    void log(Severity severity, String message);

    /** Drops every message. */
    TrtLog NONE = (severity, message) -> { };
}
