package dev.flashvsr.element;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.FrameSink.FrameRenderer;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The element's streaming logic, free of GStreamer: it feeds frames to a session, gives each
 * output the timing of its input, keeps serialized events in their place among frames that the
 * model holds back, drains at end of stream or before a reconfiguration, and resets on flush and
 * discontinuity. It guarantees one output per input, in order, or fails loudly.
 *
 * <p>Called from the streaming thread, except {@link #flushStart()} which may come from any
 * thread.
 *
 * @param <E> the event handle type
 */
public final class StreamProcessor<E> {
    private final Downstream<E> downstream;
    private final LatencyEstimator latency = new LatencyEstimator();
    private final AtomicLong framesProcessed = new AtomicLong();
    /** Timings of frames inside the session and events queued behind them, in arrival order. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private StreamingSession session;
    private boolean seenFrame;
    private volatile boolean flushing;
    private long lastProcessingNanos;
    private long lastDownstreamNanos;

    private record QueuedEvent<E>(E event) {
    }

    public StreamProcessor(Downstream<E> downstream) {
        this.downstream = downstream;
    }

    public boolean isConfigured() {
        return session != null;
    }

    public StreamSpec spec() {
        return session == null ? null : session.spec();
    }

    /** Takes a new session after {@link #drain()} emptied the previous one, and closes that one. */
    public void replaceSession(StreamingSession next) {
        if (!pending.isEmpty()) {
            throw new IllegalStateException("replacing a session that still holds " + pending.size() + " items");
        }
        closeSession();
        session = next;
        seenFrame = false;
    }

    /**
     * Feeds one frame. Returns false when downstream refused an output (the caller reports its
     * flow return).
     */
    public boolean push(VideoFrame frame, FrameTiming timing) throws EngineException {
        requireSession();
        if (flushing) {
            return false;
        }
        boolean accepted = true;
        if (timing.discont() && seenFrame) {
            accepted = drain();
            session.reset();
        }
        seenFrame = true;
        pending.add(timing);
        long start = System.nanoTime();
        Emitter emitter = new Emitter();
        session.push(frame, emitter);
        // Time blocked in downstream (a synchronising sink waits for the clock) is not ours.
        lastDownstreamNanos = emitter.downstreamNanos;
        lastProcessingNanos = System.nanoTime() - start - emitter.downstreamNanos;
        latency.record(lastProcessingNanos);
        return accepted && emitter.accepted;
    }

    /**
     * For live streams: runs two blank frames through a session that emits at once (the first pays
     * for one-time allocation and compilation), then resets it. Frames that arrive meanwhile wait
     * for the session's opening (at {@code openedSince}, a {@link System#nanoTime()}) and this,
     * then take about as long as the second run; that is recorded as the start-up wait of the
     * frames that can have waited on it ({@link LatencyEstimator#recordStartUp}), so the latency
     * reported from the start covers them and later frames do not pay for it. Sessions that hold
     * frames are not run blank (their outputs come only after several inputs, and for FlashVSR a
     * run is a chunk of seconds): their opening alone is recorded as the start-up.
     */
    public void warmUp(long openedSince, long frameDurationNanos) throws EngineException {
        requireSession();
        if (session.latencyFrames() > 0) {
            latency.recordStartUp(System.nanoTime() - openedSince, 0, frameDurationNanos);
            return;
        }
        StreamSpec spec = session.spec();
        VideoFrame blank = VideoFrame.allocate(spec.format(), spec.width(), spec.height());
        VideoFrame output = VideoFrame.allocate(spec.format(), spec.width() * spec.scale(),
                spec.height() * spec.scale());
        long lastRun = 0;
        for (int run = 0; run < 2; run++) {
            long runStart = System.nanoTime();
            session.push(blank, renderer -> {
                renderer.renderInto(output);
                return true;
            });
            lastRun = System.nanoTime() - runStart;
        }
        session.reset();
        latency.recordStartUp(System.nanoTime() - openedSince, lastRun, frameDurationNanos);
    }

    /** Time the last frame spent in conversion and the model, without downstream's part. */
    public long lastProcessingNanos() {
        return lastProcessingNanos;
    }

    /** Time the last frame's outputs spent being pushed downstream (including waiting for a sink's clock). */
    public long lastDownstreamNanos() {
        return lastDownstreamNanos;
    }

    /** Emits every held frame and the events queued behind them. */
    public boolean drain() throws EngineException {
        if (session == null) {
            return true;
        }
        Emitter emitter = new Emitter();
        session.drain(emitter);
        if (!flushing && emitter.accepted) {
            int lost = (int) pending.stream().filter(FrameTiming.class::isInstance).count();
            if (lost > 0) {
                throw new IllegalStateException("model emitted " + lost + " frames fewer than it was given");
            }
            forwardQueuedEvents();
        }
        return emitter.accepted;
    }

    /**
     * A serialized event (segment, tag, stream-start, gap, custom): forwarded now, or after the
     * outputs of the frames that arrived before it.
     */
    public void serializedEvent(E event) {
        if (pending.isEmpty()) {
            downstream.pushEvent(event);
        } else {
            pending.add(new QueuedEvent<>(event));
        }
    }

    /** Stops producing as soon as possible; may be called from any thread. */
    public void flushStart() {
        flushing = true;
    }

    /** Drops held frames and queued events and resets streaming state. */
    public void flushStop() {
        flushing = false;
        dropPending();
        if (session != null) {
            session.reset();
        }
        seenFrame = false;
        latency.reset();
    }

    /** Closes the session at stop; held frames are discarded (a stop is not an end of stream). */
    public void stop() {
        dropPending();
        closeSession();
        flushing = false;
        latency.reset();
    }

    public void resetFramesProcessed() {
        framesProcessed.set(0);
    }

    public long framesProcessed() {
        return framesProcessed.get();
    }

    public int latencyFrames() {
        return session == null ? 0 : session.latencyFrames();
    }

    public LatencyEstimator latency() {
        return latency;
    }

    private void requireSession() {
        if (session == null) {
            throw new IllegalStateException("no caps were negotiated before the first frame");
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    @SuppressWarnings("unchecked")
    private void dropPending() {
        for (Object item : pending) {
            if (item instanceof QueuedEvent<?> queued) {
                downstream.discardEvent(((QueuedEvent<E>) queued).event());
            }
        }
        pending.clear();
    }

    @SuppressWarnings("unchecked")
    private void forwardQueuedEvents() {
        while (!pending.isEmpty() && pending.peek() instanceof QueuedEvent<?> queued) {
            pending.poll();
            downstream.pushEvent(((QueuedEvent<E>) queued).event());
        }
    }

    /** Matches each output with the oldest pending input timing. */
    private final class Emitter implements FrameSink {
        boolean accepted = true;
        long downstreamNanos;
        private long renderNanos;

        @Override
        public boolean frameReady(FrameRenderer renderer) {
            if (!accepted || flushing) {
                accepted = false;
                return false;
            }
            forwardQueuedEvents();
            Object next = pending.poll();
            if (!(next instanceof FrameTiming timing)) {
                throw new IllegalStateException("model emitted more frames than it was given");
            }
            long renderBefore = renderNanos;
            long start = System.nanoTime();
            accepted = downstream.pushFrame(timed(renderer), timing);
            downstreamNanos += System.nanoTime() - start - (renderNanos - renderBefore);
            if (accepted) {
                framesProcessed.incrementAndGet();
                forwardQueuedEvents();
            }
            return accepted;
        }

        @Override
        public void warning(String message) {
            downstream.warning(message);
        }

        /** The renderer, timed: rendering (colour conversion into the output buffer) is our work. */
        private FrameRenderer timed(FrameRenderer renderer) {
            return frame -> {
                long start = System.nanoTime();
                try {
                    renderer.renderInto(frame);
                } finally {
                    renderNanos += System.nanoTime() - start;
                }
            };
        }
    }
}
