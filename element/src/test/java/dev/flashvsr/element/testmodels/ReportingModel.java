package dev.flashvsr.element.testmodels;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test model that opens like a real-size one, only faster: it reports two steps ("loading the
 * test weights", then "building the test graph for WxH" at 50% and at once again at 60%), can wait
 * between them until the test lets it go on ({@link Control#holdOpenings()}), and then fails or
 * opens a {@link DelayModel} session (no held frames). It counts its openings.
 */
public final class ReportingModel implements Model {
    public static final String LOADING = "loading the test weights";
    public static final String BUILDING = "building the test graph for ";
    /** How long an opening waits for {@link Control#releaseOpenings()} at most. */
    private static final long HOLD_LIMIT_SECONDS = 60;

    /** What a test controls and observes, shared by every instance registered under one name. */
    public static final class Control {
        private final AtomicInteger opens = new AtomicInteger();
        private volatile CountDownLatch started = new CountDownLatch(1);
        private volatile CountDownLatch released = new CountDownLatch(0);

        public int opens() {
            return opens.get();
        }

        /** From now on openings wait after their first step until {@link #releaseOpenings()}. */
        public void holdOpenings() {
            started = new CountDownLatch(1);
            released = new CountDownLatch(1);
        }

        /** Waits until an opening reported its first step; false when none did in time. */
        public boolean awaitOpening(long millis) throws InterruptedException {
            return started.await(millis, TimeUnit.MILLISECONDS);
        }

        public void releaseOpenings() {
            released.countDown();
        }
    }

    private final DelayModel sessions = new DelayModel(0, 0);
    private final Control control;
    private final boolean fails;

    public ReportingModel(Control control, boolean fails) {
        this.control = control;
        this.fails = fails;
    }

    @Override
    public String name() {
        return fails ? "test-fails-opening" : "test-reports-opening";
    }

    @Override
    public boolean isNeural() {
        return false;
    }

    @Override
    public Set<Integer> scales() {
        return sessions.scales();
    }

    @Override
    public Backend resolveBackend(Backend requested) {
        return sessions.resolveBackend(requested);
    }

    @Override
    public int latencyFrames() {
        return 0;
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options) throws EngineException {
        return open(spec, options, OpenProgress.NONE);
    }

    @Override
    public StreamingSession open(StreamSpec spec, SessionOptions options, OpenProgress progress)
            throws EngineException {
        control.opens.incrementAndGet();
        progress.report(LOADING, Double.NaN);
        control.started.countDown();
        try {
            if (!control.released.await(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new EngineException("the test never let the opening go on", "Fix the test");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while opening", "Fix the test");
        }
        String building = BUILDING + spec.width() + "x" + spec.height();
        progress.report(building, 0.5);
        progress.report(building, 0.6);
        if (fails) {
            throw new EngineException("the test model cannot open " + spec.width() + "x" + spec.height(),
                    "Nothing to fix: it always fails");
        }
        return sessions.open(spec, options);
    }
}
