package dev.flashvsr.engine.tensorrt.runtime;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How to build an engine: one optimization profile (a shape range per input), the builder's
 * workspace limit, an optional timing cache file (read when present, written after the build) and
 * whether the engine may stream its weights from host memory. There are no precision flags:
 * networks are strongly typed, so precision comes from the graph.
 *
 * @param shapes the shape range of each input, by tensor name, in insertion order
 * @param workspaceBytes the builder's workspace memory pool limit
 * @param timingCache the timing cache file, if any
 * @param weightStreaming whether to build with TensorRT's kWEIGHT_STREAMING, so that
 *        {@link TrtEngine#streamWeights} can keep weights in host memory
 */
public record BuildSettings(Map<String, ShapeRange> shapes, long workspaceBytes, Optional<Path> timingCache,
        boolean weightStreaming) {
    /** Settings of an engine that keeps all its weights on the GPU. */
    public BuildSettings(Map<String, ShapeRange> shapes, long workspaceBytes, Optional<Path> timingCache) {
        this(shapes, workspaceBytes, timingCache, false);
    }

    public BuildSettings {
        shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
        if (workspaceBytes <= 0) {
            throw new IllegalArgumentException("workspace bytes must be positive, got " + workspaceBytes);
        }
        timingCache = timingCache == null ? Optional.empty() : timingCache;
    }
}
