package dev.flashvsr.element;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import java.util.List;

/**
 * What exists only between an element's start (READY to PAUSED) and its stop: the model resolved
 * from the settings snapshot, the backend and precision it runs in, and the session options every
 * stream opens with. Built whole by {@link #start} or not at all; {@link #close()} releases the model.
 *
 * @param options the snapshot's session options with the precision resolved (never {@code AUTO})
 */
public record RunningState(ElementSettings settings, Model model, Backend backend, Precision precision,
        SessionOptions options, List<String> backendsPassedOver) implements AutoCloseable {

    /**
     * Resolves the model of {@code settings} and checks that it runs at the snapshot's scale, on its
     * backend and in its precision.
     *
     * @throws EngineException          when the model cannot be found or has no such scale, backend or
     *                                  precision; the message names the ones it has
     * @throws IllegalArgumentException when settings contradict each other (tile overlap and size)
     */
    public static RunningState start(ElementSettings settings) throws EngineException {
        SessionOptions asked = settings.sessionOptions();
        Model model = Models.resolve(settings.model(), asked);
        try {
            if (!model.scales().contains(settings.scale())) {
                throw new EngineException("model '" + model.name() + "' does not support scale " + settings.scale(),
                        "Set scale to one of " + model.scales());
            }
            Backend backend = model.resolveBackend(settings.backend());
            Precision precision = model.resolvePrecision(settings.precision(), settings.scale());
            List<String> passedOver = settings.backend() == Backend.AUTO
                    ? Models.backendsPassedOver(settings.model(), backend, settings.precision()) : List.of();
            return new RunningState(settings, model, backend, precision, asked.withPrecision(precision), passedOver);
        } catch (EngineException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public int scale() {
        return settings.scale();
    }

    /** The element's log line at start: what runs, what was asked for. */
    public String describe() {
        String passedOver = backendsPassedOver.isEmpty() ? ""
                : "; passed over " + String.join("; ", backendsPassedOver);
        return "model '" + model.name() + "' (" + settings.model() + "), scale " + settings.scale() + ", backend "
                + backend + " (asked: " + settings.backend() + passedOver + "), precision " + precision
                + " (asked: " + settings.precision() + "), holds " + model.latencyFrames() + " frames, "
                + options + ", max-memory " + settings.describeMaxMemory();
    }

    @Override
    public void close() {
        model.close();
    }
}
