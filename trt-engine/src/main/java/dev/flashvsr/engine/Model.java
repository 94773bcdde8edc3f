package dev.flashvsr.engine;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A resolved model, loaded by one backend: it knows which scales and precisions it supports and
 * opens sessions. Resolving
 * checks everything that does not depend on the stream, so configuration errors surface before
 * the first frame.
 */
public interface Model extends AutoCloseable {

    /** The name users select it by, or its path. */
    String name();

    /** True only for learned models; the bicubic baseline says false. */
    boolean isNeural();

    Set<Integer> scales();

    /**
     * The precisions this model can run at {@code scale}, the one {@link Precision#AUTO} picks
     * first; never empty and never containing {@code AUTO}.
     */
    default Set<Precision> precisions(int scale) {
        return Set.of(Precision.FP32);
    }

    /**
     * The precision a session at {@code scale} runs in when {@code requested} is asked for: the
     * model's first for {@code AUTO}, else {@code requested} itself.
     *
     * @throws EngineException when the model has no such variant, naming those it has
     */
    default Precision resolvePrecision(Precision requested, int scale) throws EngineException {
        Set<Precision> available = precisions(scale);
        if (!requested.isConcrete()) {
            return available.iterator().next();
        }
        if (!available.contains(requested)) {
            String names = available.stream().map(Precision::nick).collect(Collectors.joining(", "));
            throw new EngineException("model '" + name() + "' has no " + requested.nick() + " variant at scale "
                    + scale + "; it has " + names, "Set precision to auto or to one of: " + names);
        }
        return requested;
    }

    /**
     * The backend this model runs on: the one whose provider loaded it. Models that applications
     * register in process ({@link Models#register}) run their Java code on the CPU unless they say
     * otherwise.
     */
    default Backend backend() {
        return Backend.CPU;
    }

    /**
     * The backend a session runs on when {@code requested} is asked for: {@link #backend()} for
     * {@code AUTO} and for itself.
     *
     * @throws EngineException when another backend is asked for: the backend is chosen when the
     *     model is resolved, not when a session opens
     */
    default Backend resolveBackend(Backend requested) throws EngineException {
        if (requested != Backend.AUTO && requested != backend()) {
            throw new EngineException("model '" + name() + "' was loaded for the " + backend().nick()
                    + " backend, not " + requested.nick(), "Set backend=" + backend().nick()
                    + " or backend=auto, or resolve the model again with backend " + requested.nick());
        }
        return backend();
    }

    /** Frames held before the first output, so the element can report latency before streaming. */
    int latencyFrames();

    StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException;

    /**
     * As {@link #open(StreamSpec, SessionOptions)}, reporting the steps of a long open (building
     * or loading graphs) to {@code progress}; models that open quickly report nothing.
     */
    default StreamingSession open(StreamSpec spec, SessionOptions options, OpenProgress progress)
            throws EngineException {
        return open(spec, options);
    }

    /**
     * The working memory a session opened with these arguments would take, without opening it;
     * empty when this model cannot tell (then no memory budget applies to it). Cheap enough to be
     * called for many candidate tile sizes.
     */
    default Optional<MemoryEstimate> estimateMemory(StreamSpec spec, SessionOptions options) {
        return Optional.empty();
    }

    /**
     * Input pixels that neighbouring tiles must share for a tiled frame to match the whole frame
     * (the receptive field; 0 when the output does not depend on tiling); empty when the model
     * cannot say, so it cannot be tiled automatically.
     */
    default OptionalInt tileOverlap(int scale) {
        return OptionalInt.empty();
    }

    /** Releases what the model holds (runtime sessions); its open sessions must be closed first. */
    @Override
    default void close() {
    }
}
