package dev.flashvsr.element.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.junit.jupiter.api.Test;

/**
 * After a live pipeline starts, the latency it reports comes down within seconds to upstream's
 * plus what the element's frames really take plus the sink's deadline, and no frame is late at
 * the sink on the way. The pipeline's latency is queried every 150 ms and compared with the
 * estimate's rule applied to each frame's processing time as pad probes around the element see
 * it, so a start-up wait reported for frames that did not wait on it, or for longer than those
 * that did, counts as not settled. Live sources run at 30 frames/s, 64x48 (RGB: the issue's
 * scenario). {@code -Dflashvsr.settleSeconds=61} records longer (default 5 s) and
 * {@code -Dflashvsr.settleSampleMillis=5000} queries less often (the measurement); the
 * printed timelines give the README's numbers.
 */
class LatencySettleTest {
    private static final long MS = 1_000_000;
    private static final int FPS = 30;
    private static final long SAMPLE_MS = Long.getLong("flashvsr.settleSampleMillis", 150);
    private static final int SECONDS = Integer.getInteger("flashvsr.settleSeconds", 5);
    /** The estimate's rule (README, Element reference): the slowest of the last 64 frames, plus 25%. */
    private static final int WINDOW = 64;
    private static final double HEADROOM = 1.25;
    /** What the probes count beyond the element's own timing (pad pushes, buffer pool), and rounding. */
    private static final long TOLERANCE = 2 * MS;

    @Test
    void bicubicSettlesWithinASecondAndAHalfForAnApplicationThatOnlyQueries() throws Exception {
        // The measurement. videotestsrc stamps its first frame once the element opened, so
        // no frame waited for that.
        Timeline timeline = record(LivePipeline::queryingOnly, "RGB", "flashvsrfilter name=f model=bicubic");
        timeline.assertSettledWithin(1500);
    }

    @Test
    void theDefaultModelSettlesWithinASecondAndAHalf() throws Exception {
        // Where late frames are counted a queue follows the element, as the README recommends for
        // live use: the element works on the next frame while the sink waits, so a frame held up
        // by the loaded machine has the reported latency as slack (without the queue the source
        // waits for the sink, and each frame has one frame duration whatever latency is reported).
        Timeline timeline = record(LivePipeline::new, "RGB", "flashvsrfilter name=f ! queue");
        timeline.assertSettledWithin(1500);
    }

    @Test
    void framesThatWaitedForTheOpeningAreCoveredThenTheLatencyStepsDownWithoutALateFrame() throws Exception {
        Timeline timeline = record(LivePipeline::new, "I420", DECODER_THEN_SLOW_OPENING);
        timeline.assertStartUpReported();
        timeline.assertSettledWithin(2500);
    }

    @Test
    void anApplicationThatOnlyQueriesSeesTheSameSteps() throws Exception {
        Timeline timeline = record(LivePipeline::queryingOnly, "I420", DECODER_THEN_SLOW_OPENING);
        timeline.assertStartUpReported();
        timeline.assertSettledWithin(2500);
    }

    /**
     * A decoder sends caps just before its first frame, so that frame and those behind it wait
     * while the session opens (200 ms): about 250 ms are reported for them, then, once the element
     * caught up, the latency steps down 8.3 ms per frame (30 steps, about a second; before the steps
     * were paced by frames and the wait left with its frames, 3 s with an application recomputing the
     * latency, and one step per query with one that does not). A queue follows, as above.
     */
    private static final String DECODER_THEN_SLOW_OPENING = "x264enc tune=zerolatency speed-preset=ultrafast "
            + "! avdec_h264 ! flashvsrfilter name=f model=test-slow-open-200ms scale=2 ! queue";

    private record Sample(long atNanos, long pipelineLatency, long processingLatency, long late) {
    }

    private record Frame(long leftAtNanos, long processingNanos) {
    }

    /** Each frame's time from the element's sink pad to its source pad, as the probes see it. */
    private static final class FrameTimes {
        private final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
        private final List<Frame> done = new ArrayList<>();

        void arrived(long pts) {
            arrivals.put(pts, System.nanoTime());
        }

        synchronized void left(long pts) {
            Long arrivedAt = arrivals.remove(pts);
            if (arrivedAt != null) {
                long now = System.nanoTime();
                done.add(new Frame(now, now - arrivedAt));
            }
        }

        /** The estimate's rule over the frames that left before {@code atNanos}; 0 before any did. */
        synchronized long estimateAt(long atNanos) {
            int end = 0;
            while (end < done.size() && done.get(end).leftAtNanos() <= atNanos) {
                end++;
            }
            long slowest = 0;
            for (int i = Math.max(0, end - WINDOW); i < end; i++) {
                slowest = Math.max(slowest, done.get(i).processingNanos());
            }
            return (long) (slowest * HEADROOM);
        }
    }

    private record Timeline(String filter, boolean recalculated, long startNanos, List<Sample> samples,
            FrameTimes frames, long upstream, long deadline, LivePipeline.SinkStats sink, List<String> errors) {
        /** Seconds from PLAYING to the first sample whose reported latency is within the frames' estimate; -1 if none. */
        double settledAfterSeconds() {
            for (Sample sample : samples) {
                long element = sample.pipelineLatency() - upstream - deadline;
                long estimate = frames.estimateAt(sample.atNanos());
                if (estimate > 0 && element <= estimate + TOLERANCE) {
                    return (sample.atNanos() - startNanos) / 1e9;
                }
            }
            return -1;
        }

        void assertStartUpReported() {
            assertTrue(samples.get(0).pipelineLatency() >= upstream + 200 * MS,
                    "the wait of the frames that waited for the opening is reported at first: " + this);
        }

        void assertSettledWithin(long boundMillis) {
            System.out.println(this);
            double settled = settledAfterSeconds();
            assertTrue(settled >= 0 && settled <= boundMillis / 1000.0, "settled after " + settled + " s: " + this);
            if (recalculated) {
                // Without recomputing, the sink keeps the latency of the start: its late frames
                // would tell of the machine's stalls, not of the steps.
                assertEquals(0, sink.late(), "frames late at the sink: " + this);
            }
            assertTrue(sink.rendered() >= SECONDS * FPS / 2, "frames rendered: " + this);
            assertTrue(errors.isEmpty(), errors.toString());
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                    "%s (application %s): upstream %.1f ms, sink deadline %.1f ms, %d frames rendered, %d late, "
                            + "settled after %.2f s; at t s: pipeline latency / element's part / frames' estimate / "
                            + "processing-latency (ms) / late so far:", filter,
                    recalculated ? "recomputing the latency on LATENCY messages" : "only querying the latency",
                    upstream / 1e6, deadline / 1e6, sink.rendered(),
                    sink.late(), settledAfterSeconds()));
            for (Sample sample : samples) {
                text.append(String.format(Locale.ROOT, "%n  %5.2f  %6.1f  %6.1f  %6.1f  %6.1f  %d",
                        (sample.atNanos() - startNanos) / 1e9, sample.pipelineLatency() / 1e6,
                        (sample.pipelineLatency() - upstream - deadline) / 1e6,
                        frames.estimateAt(sample.atNanos()) / 1e6, sample.processingLatency() / 1e6, sample.late()));
            }
            return text.toString();
        }
    }

    /** Runs {@code elements} (the flashvsrfilter named f) between a live source and a late-counting sink. */
    private static Timeline record(Function<String, LivePipeline> application, String format, String elements)
            throws Exception {
        String description = "videotestsrc is-live=true name=src ! video/x-raw,format=" + format + ",width=64,height=48,"
                + "framerate=" + FPS + "/1 ! " + elements + " ! fakesink name=sink sync=true qos=true max-lateness=0";
        try (LivePipeline run = application.apply(description)) {
            FrameTimes frames = new FrameTimes();
            run.element("f").getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                frames.arrived(info.getBuffer().getPresentationTimestamp());
                return PadProbeReturn.OK;
            });
            run.element("f").getStaticPad("src").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                frames.left(info.getBuffer().getPresentationTimestamp());
                return PadProbeReturn.OK;
            });
            run.play();
            // A live pipeline reaches PLAYING once its first frame reached the sink.
            long start = System.nanoTime();
            List<Sample> samples = new ArrayList<>();
            while (true) {
                long processing = run.longProperty("f", "processing-latency");
                samples.add(new Sample(System.nanoTime(), run.pipelineLatency(), processing,
                        run.sinkStats("sink").late()));
                if (System.nanoTime() - start >= SECONDS * 1000 * MS) {
                    break;
                }
                Thread.sleep(SAMPLE_MS);
            }
            LatencyQuery source = new LatencyQuery();
            assertTrue(run.element("src").query(source));
            return new Timeline(elements, run.recalculatesLatency, start, samples, frames,
                    source.getMinimumLatency(), run.longProperty("sink", "processing-deadline"),
                    run.sinkStats("sink"), List.copyOf(run.errors));
        }
    }
}
