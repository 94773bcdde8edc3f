package dev.flashvsr.engine.tensorrt.runtime;

import java.nio.file.Path;

/**
 * The part of TensorRT the provider uses: build an engine from an ONNX graph, load a serialized
 * engine. Narrow on purpose, so the provider's logic runs in CI on a test implementation that
 * executes the same graphs with ONNX Runtime.
 */
public interface TrtRuntime {
    /** TensorRT's version, e.g. "10.15.1"; part of the engine cache key. */
    String version();

    /**
     * Parses {@code onnxGraph} into a strongly typed network (precision comes from the graph) and
     * builds a serialized engine with one optimization profile from {@code settings}.
     *
     * @param log receives the parser's and builder's messages
     * @return the serialized engine (plan)
     * @throws TrtException {@link TrtException.Kind#PARSE} when TensorRT cannot parse the graph,
     *         {@link TrtException.Kind#BUILD} or {@link TrtException.Kind#OUT_OF_MEMORY} when the build fails;
     *         the message carries TensorRT's error lines
     */
    byte[] buildEngine(Path onnxGraph, BuildSettings settings, TrtLog log) throws TrtException;

    /**
     * Loads a serialized engine.
     *
     * @throws TrtException {@link TrtException.Kind#INCOMPATIBLE} when the plan was built by another
     *         TensorRT version or for another GPU (or is corrupt), so the caller can rebuild it
     */
    TrtEngine deserialize(byte[] plan, TrtLog log) throws TrtException;
}
