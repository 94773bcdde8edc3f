package dev.flashvsr.element;

import dev.flashvsr.engine.OpenProgress;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the steps a model reports while it opens a session ({@link OpenProgress}) into the
 * updates the element announces (bus messages, log lines): every new step, and within a step at
 * most one changed fraction per {@link #FRACTION_INTERVAL_NANOS}, so a model reporting often does
 * not flood the bus. {@link #finish()} announces that the session is open, when any step was
 * announced: models that open quickly and report nothing stay silent.
 */
public final class StartUpProgress implements OpenProgress {
    /** The shortest time between two announcements of the same step with a new fraction. */
    public static final long FRACTION_INTERVAL_NANOS = 3_000_000_000L;
    /** The step of the announcement that the session is open. */
    public static final String OPEN_STEP = "session open";

    /**
     * One announcement.
     *
     * @param model        the model's name
     * @param input        the input it opens for, "WIDTHxHEIGHT"
     * @param step         what is being done, as the model said it
     * @param fraction     the share of the opening done, 0 to 1, or -1 when unknown
     * @param elapsedNanos time since the opening began
     * @param done         true for the last one: the session is open
     */
    public record Update(String model, String input, String step, double fraction, long elapsedNanos,
            boolean done) {
        public long elapsedMillis() {
            return elapsedNanos / 1_000_000;
        }

        /** For people: "starting model 'M' for 32x32 input: building the DiT graph (40%, 12.3 s so far)". */
        public String text() {
            double seconds = elapsedNanos / 1e9;
            if (done) {
                return String.format(Locale.ROOT, "model '%s' ready for %s input after %.1f s", model, input, seconds);
            }
            String share = fraction < 0 ? "" : String.format(Locale.ROOT, "%.0f%%, ", fraction * 100);
            return String.format(Locale.ROOT, "starting model '%s' for %s input: %s (%s%.1f s so far)", model, input,
                    step, share, seconds);
        }
    }

    private final String model;
    private final String input;
    private final LongSupplier clock;
    private final Consumer<Update> announce;
    private final Consumer<String> warnings;
    private final long startedNanos;
    private String lastStep;
    private double lastFraction;
    private long lastAnnouncedNanos;

    /**
     * @param clock    {@link System#nanoTime()} or a test's clock; the opening begins now
     * @param announce receives each announcement, on the opening thread
     * @param warnings receives the model's warnings (a cache rebuilt, a fallback), each at once
     */
    public StartUpProgress(String model, int width, int height, LongSupplier clock, Consumer<Update> announce,
            Consumer<String> warnings) {
        this.model = model;
        this.input = width + "x" + height;
        this.clock = clock;
        this.announce = announce;
        this.warnings = warnings;
        this.startedNanos = clock.getAsLong();
    }

    @Override
    public void report(String step, double fraction) {
        long now = clock.getAsLong();
        double known = Double.isNaN(fraction) ? -1 : Math.max(0, Math.min(1, fraction));
        boolean newStep = !step.equals(lastStep);
        if (!newStep && (known == lastFraction || now - lastAnnouncedNanos < FRACTION_INTERVAL_NANOS)) {
            return;
        }
        lastStep = step;
        lastFraction = known;
        lastAnnouncedNanos = now;
        announce.accept(new Update(model, input, step, known, now - startedNanos, false));
    }

    @Override
    public void warning(String message) {
        warnings.accept(message);
    }

    /** The session is open: announced when any step was. */
    public void finish() {
        if (lastStep != null) {
            announce.accept(new Update(model, input, OPEN_STEP, 1, clock.getAsLong() - startedNanos, true));
        }
    }
}
