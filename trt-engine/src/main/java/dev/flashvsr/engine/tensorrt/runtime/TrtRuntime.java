package dev.flashvsr.engine.tensorrt.runtime;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
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
     * builds a serialized engine with one optimization profile from {@code settings}, written to
     * {@code plan} (an engine file being written; plans can exceed 2 GiB, so never as one array).
     *
     * @param log receives the parser's and builder's messages
     * @throws TrtException {@link TrtException.Kind#PARSE} when TensorRT cannot parse the graph,
     *         {@link TrtException.Kind#BUILD} or {@link TrtException.Kind#OUT_OF_MEMORY} when the build fails;
     *         the message carries TensorRT's error lines
     * @throws IOException writing to {@code plan} failed
     */
    void buildEngine(Path onnxGraph, BuildSettings settings, WritableByteChannel plan, TrtLog log)
            throws TrtException, IOException;

    /**
     * Loads a serialized engine; {@code plan} stays open (its owner closes it).
     *
     * @throws TrtException {@link TrtException.Kind#INCOMPATIBLE} when the plan was built by another
     *         TensorRT version or for another GPU (or is corrupt), so the caller can rebuild it
     * @throws IOException reading {@code plan} failed
     */
    TrtEngine deserialize(EnginePlan plan, TrtLog log) throws TrtException, IOException;
}
