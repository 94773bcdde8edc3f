package dev.flashvsr.engine;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings that choose how a model runs, independent of the stream.
 *
 * @param precision   the arithmetic variant to run; {@link Precision#AUTO} lets model and backend choose
 * @param tileSize    input tile edge in pixels; 0 processes whole frames
 * @param tileOverlap input pixels shared by neighbouring tiles
 * @param diffusion   settings that only diffusion models (FlashVSR) use
 * @param engineCache where backends that build engines (TensorRT) keep them; empty = their default
 * @param engineSizes the input sizes each built engine accepts, so a renegotiation inside them
 *                    needs no rebuild; empty = each stream's exact size
 * @param cudaGraphs  whether GPU backends may capture each frame's work into CUDA graphs and replay
 *                    them (TensorRT), falling back to plain launches where capture fails
 */
public record SessionOptions(Backend backend, int deviceId, Precision precision, int tileSize, int tileOverlap,
        DiffusionOptions diffusion, Optional<Path> engineCache, Optional<FrameSizeRange> engineSizes,
        boolean cudaGraphs) {

    public static final SessionOptions DEFAULT = new SessionOptions(Backend.AUTO, 0, 0, 0);

    public SessionOptions(Backend backend, int deviceId, int tileSize, int tileOverlap) {
        this(backend, deviceId, Precision.AUTO, tileSize, tileOverlap, DiffusionOptions.DEFAULT);
    }

    public SessionOptions(Backend backend, int deviceId, int tileSize, int tileOverlap, DiffusionOptions diffusion) {
        this(backend, deviceId, Precision.AUTO, tileSize, tileOverlap, diffusion);
    }

    public SessionOptions(Backend backend, int deviceId, Precision precision, int tileSize, int tileOverlap,
            DiffusionOptions diffusion) {
        this(backend, deviceId, precision, tileSize, tileOverlap, diffusion, Optional.empty());
    }

    public SessionOptions(Backend backend, int deviceId, Precision precision, int tileSize, int tileOverlap,
            DiffusionOptions diffusion, Optional<Path> engineCache) {
        this(backend, deviceId, precision, tileSize, tileOverlap, diffusion, engineCache, Optional.empty(), true);
    }

    public SessionOptions {
        if (diffusion == null || precision == null || backend == null || engineCache == null
                || engineSizes == null) {
            throw new IllegalArgumentException(
                    "backend, precision, diffusion, engine cache and engine sizes options must not be null");
        }
        if (deviceId < 0 || tileSize < 0 || tileOverlap < 0) {
            throw new IllegalArgumentException("device id, tile size and overlap must not be negative");
        }
        if (tileSize > 0 && tileOverlap * 2 >= tileSize) {
            throw new IllegalArgumentException(
                    "tile-overlap " + tileOverlap + " must be less than half of tile-size " + tileSize);
        }
    }

    /** The same options with other tile settings (for example tiles chosen to fit a memory budget). */
    public SessionOptions withTiles(int tileSize, int tileOverlap) {
        return new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap, diffusion, engineCache,
                engineSizes, cudaGraphs);
    }

    /** The same options with another precision (for example the one {@code AUTO} resolved to). */
    public SessionOptions withPrecision(Precision precision) {
        return new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap, diffusion, engineCache,
                engineSizes, cudaGraphs);
    }

    /** The same options keeping built engines in {@code folder}. */
    public SessionOptions withEngineCache(Path folder) {
        return new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap, diffusion, Optional.of(folder),
                engineSizes, cudaGraphs);
    }

    /** The same options building engines that accept every input size in {@code sizes}. */
    public SessionOptions withEngineSizes(FrameSizeRange sizes) {
        return new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap, diffusion, engineCache,
                Optional.of(sizes), cudaGraphs);
    }

    /** The same options with CUDA graph capture allowed ({@code true}, the default) or not. */
    public SessionOptions withCudaGraphs(boolean cudaGraphs) {
        return new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap, diffusion, engineCache,
                engineSizes, cudaGraphs);
    }
}
