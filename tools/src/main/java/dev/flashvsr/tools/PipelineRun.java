package dev.flashvsr.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.message.Message;
import org.freedesktop.gstreamer.message.MessageType;

/**
 * Runs one pipeline until end-of-stream or the first error, recording how it ended. Bus messages
 * arrive on GStreamer's threads; everything else happens on the caller's thread.
 */
final class PipelineRun implements AutoCloseable {

    private final Pipeline pipeline;
    private final Bus bus;
    private final Bus.MESSAGE listener;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile GstSupport.MessageText failure;
    private volatile boolean endOfStream;
    /** Warnings and notes from the pipeline's elements, not yet shown. */
    private final Queue<String> notices = new ConcurrentLinkedQueue<>();
    /** What flashvsrfilter last said about opening its session; null before it said anything. */
    private volatile Progress.StartUp startUp;

    PipelineRun(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.bus = pipeline.getBus();
        this.listener = this::onMessage;
        bus.connect(listener);
    }

    Pipeline pipeline() {
        return pipeline;
    }

    private void onMessage(Bus source, Message message) {
        MessageType type = message.getType();
        if (type == MessageType.ERROR) {
            fail(GstSupport.parse(message));
        } else if (type == MessageType.INFO && GstSupport.isStartUpStep(message)) {
            // Shown on the progress line (the element message beside it), not as a note each.
            return;
        } else if (type == MessageType.WARNING || type == MessageType.INFO) {
            notices.add((type == MessageType.WARNING ? "warning: " : "note: ") + GstSupport.parse(message).message());
        } else if (type == MessageType.ELEMENT) {
            Structure s = message.getStructure();
            if (s != null && s.hasName(GstSupport.START_UP_STRUCTURE)) {
                startUp = new Progress.StartUp(s.getString("model"), s.getString("step"), s.getDouble("fraction"),
                        s.getBoolean("done"));
            }
        } else if (type == MessageType.EOS) {
            endOfStream = true;
            finished.countDown();
        }
    }

    /** What flashvsrfilter last said about opening its session; null when it said nothing. */
    Progress.StartUp startUp() {
        return startUp;
    }

    /** The warnings and notes the pipeline posted since the last call, oldest first. */
    List<String> takeNotices() {
        List<String> taken = new ArrayList<>();
        for (String notice = notices.poll(); notice != null; notice = notices.poll()) {
            taken.add(notice);
        }
        return taken;
    }

    /** A warning of our own, shown with the pipeline's (for example a dropped stream). */
    void warn(String text) {
        notices.add("warning: " + text);
    }

    /** A note of our own, shown with the pipeline's. */
    void note(String text) {
        notices.add("note: " + text);
    }

    /** Ends the run with an error of our own (for example "no video stream"). */
    void fail(GstSupport.MessageText text) {
        synchronized (this) {
            if (failure == null) {
                failure = text;
            }
        }
        finished.countDown();
    }

    /** How long {@link #setState} waits for a pipeline to preroll (model loading included). */
    static final long PREROLL_LIMIT_MS = 10 * 60 * 1000;

    /**
     * Brings the pipeline to the given state; a failure ends the run (see {@link #failure()}).
     * Going to PAUSED waits until the pipeline has prerolled, failed or finished.
     */
    boolean setState(State state) {
        StateChangeReturn ret = pipeline.setState(state);
        if (ret == StateChangeReturn.FAILURE) {
            // Elements post their ERROR before failing the state change; give a message that is
            // dispatched on another thread a moment to arrive.
            awaitQuietly(1000);
            if (failure == null) {
                fail(new GstSupport.MessageText("the pipeline could not change to " + state
                        + " (no element reported why)", null, null));
            }
            return false;
        }
        if (ret == StateChangeReturn.ASYNC && state != State.PLAYING) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PREROLL_LIMIT_MS);
            while (failure == null && !isFinished() && System.nanoTime() < deadline
                    && pipeline.getState(200, TimeUnit.MILLISECONDS) != state) {
                // Polling keeps a failure reported on the bus from being waited out.
            }
        }
        return failure == null;
    }

    /** Waits up to {@code millis} for EOS or an error; true when the run has finished. */
    boolean await(long millis) throws InterruptedException {
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    private void awaitQuietly(long millis) {
        try {
            finished.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    boolean reachedEndOfStream() {
        return endOfStream && failure == null;
    }

    GstSupport.MessageText failure() {
        return failure;
    }

    /** Stops the pipeline (state NULL) and detaches from its bus. */
    @Override
    public void close() {
        pipeline.setState(State.NULL);
        bus.disconnect(listener);
        pipeline.dispose();
    }
}
