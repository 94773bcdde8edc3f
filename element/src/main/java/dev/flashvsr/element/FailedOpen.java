package dev.flashvsr.element;

import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import java.util.Optional;

/**
 * The last session that failed to open, so that the same caps again (a sticky caps event is
 * re-sent with every buffer after it failed) give the same error at once instead of another
 * minute of building a real-size model to the same end. The same means the same model instance
 * (a restart resolves a new one, with the properties as they are then), an equal stream and equal
 * session options; anything else opens again.
 */
public final class FailedOpen {
    /** The error that was posted: its text and debug text. */
    public record Failure(String text, String debug) {
    }

    private Model model;
    private StreamSpec spec;
    private SessionOptions options;
    private Failure failure;

    public synchronized void remember(Model model, StreamSpec spec, SessionOptions options, Failure failure) {
        this.model = model;
        this.spec = spec;
        this.options = options;
        this.failure = failure;
    }

    /** The failure of an earlier attempt with the same model instance, stream and options; empty otherwise. */
    public synchronized Optional<Failure> recall(Model model, StreamSpec spec, SessionOptions options) {
        boolean same = failure != null && this.model == model && this.spec.equals(spec)
                && this.options.equals(options);
        return same ? Optional.of(failure) : Optional.empty();
    }

    public synchronized void forget() {
        model = null;
        spec = null;
        options = null;
        failure = null;
    }
}
