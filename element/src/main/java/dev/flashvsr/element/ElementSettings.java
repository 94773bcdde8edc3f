package dev.flashvsr.element;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The element's start-time properties as they were when it started (READY to PAUSED): one
 * immutable snapshot, so a property set while running cannot change a running stream halfway.
 * {@code qos} is not here: it applies from the next frame and is read from {@link FilterSettings}.
 *
 * @param maxMemoryMib the memory budget of a session in MiB; 0 = automatic
 * @param noiseFile    safetensors file of the diffusion noise; empty = generated noise
 * @param engineCache  folder of built TensorRT engines; empty = the backend's default
 * @param engineSizes  input sizes each TensorRT engine accepts ({@code 640x360-1920x1080}); empty = the
 *                     stream's exact size
 * @param cudaGraphs   whether the tensorrt backend replays each frame's work as CUDA graphs
 */
public record ElementSettings(int scale, String model, Backend backend, Precision precision, int deviceId,
        int tileSize, int tileOverlap, long maxMemoryMib, DiffusionOptions.ColorFix colorFix,
        boolean upstreamReference, long seed, String noiseFile, String engineCache,
        String engineSizes, boolean cudaGraphs) {

    /**
     * The session options these settings describe; fails when tile settings contradict each other
     * or engine-sizes is not a size range.
     */
    public SessionOptions sessionOptions() {
        Optional<Path> noise = noiseFile.isBlank() ? Optional.empty() : Optional.of(Path.of(noiseFile));
        SessionOptions options = new SessionOptions(backend, deviceId, precision, tileSize, tileOverlap,
                new DiffusionOptions(colorFix, upstreamReference, seed, noise)).withCudaGraphs(cudaGraphs);
        if (!engineCache.isBlank()) {
            options = options.withEngineCache(Path.of(engineCache));
        }
        return engineSizes.isBlank() ? options : options.withEngineSizes(FrameSizeRange.parse("engine-sizes",
                engineSizes));
    }

    /** {@code max-memory} as the log shows it. */
    public String describeMaxMemory() {
        return maxMemoryMib == 0 ? "automatic" : maxMemoryMib + " MiB";
    }
}
