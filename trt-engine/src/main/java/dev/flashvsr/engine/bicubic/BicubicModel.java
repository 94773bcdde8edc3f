package dev.flashvsr.engine.bicubic;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import java.util.concurrent.ForkJoinPool;

/**
 * The classical baseline: Keys bicubic interpolation (a = -0.5) on the CPU. Not a learned model;
 * neural models are measured against it. Tiling does not change its output (the kernel is local),
 * so tile settings are accepted and ignored.
 */
public final class BicubicModel implements BicubicBaseline {

    /** Shared by all bicubic sessions; the calling streaming thread works too. */
    private static final ForkJoinPool POOL = new ForkJoinPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
            pool -> {
                var thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                thread.setDaemon(true);
                thread.setName("flashvsr-bicubic-" + thread.getPoolIndex());
                return thread;
            }, null, false);

    @Override
    public int latencyFrames() {
        return 0;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        resolveBackend(options.backend());
        return new BicubicSession(spec, POOL, POOL.getParallelism() + 1);
    }
}
