package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cache.BuildCache;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * FlashVSR streams with the key-cache rebase moved early ({@link FlashVsrStream#rebaseBelow}), on
 * any runtime's graphs, for the tests of other packages (the stream is package-private).
 */
public final class RebasingStreams {
    private RebasingStreams() {
    }

    /** The CPU backend's fp32 graphs of {@code pkg} for frames of {@code width x height}, cached in {@code cache}. */
    public static ChunkGraphs cpuGraphs(FlashVsrPackage pkg, int width, int height, Path cache)
            throws EngineException {
        return FlashVsrGraphs.open(pkg, width, height, pkg.attention(), GraphPrecision.of(Precision.FP32, pkg), 2,
                new BuildCache(cache, warning -> { }), OpenProgress.NONE);
    }

    /** Bytes of the cos/sin table that a rebase of {@code graphs}' key cache uploads to a GPU. */
    public static long rebaseTableBytes(ChunkGraphs graphs) {
        return (long) Double.BYTES * graphs.layout().ropeTimeDims();
    }

    /**
     * Runs {@code frames} ([3, H, W] in [-1, 1]) through a stream on {@code graphs} with generated
     * noise of {@code seed}, rebasing from RoPE position {@code rebaseBelow} on, calling
     * {@code afterPush} with each frame's index once it is in; returns the output frames.
     */
    public static List<float[]> run(ChunkGraphs graphs, long seed, int rebaseBelow, List<float[]> frames,
            IntConsumer afterPush) throws EngineException {
        FlashVsrLayout layout = graphs.layout();
        FlashVsrStream stream = new FlashVsrStream(graphs, LatentNoise.generated(seed, layout.latentChannels(),
                layout.latentHeight(), layout.latentWidth()), null);
        try {
            stream.rebaseBelow(rebaseBelow);
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                FlashVsrStream.Chunk chunk = stream.push(frames.get(i).clone());
                afterPush.accept(i);
                if (chunk != null) {
                    out.addAll(chunk.frames());
                }
            }
            return out;
        } finally {
            stream.close();
        }
    }
}
