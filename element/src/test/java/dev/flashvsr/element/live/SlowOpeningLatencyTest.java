package dev.flashvsr.element.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.pipeline.GstTestSupport;
import dev.flashvsr.element.testmodels.ReportingModel;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.junit.jupiter.api.Test;

/**
 * A live stream whose session takes long to open (a real-size FlashVSR takes a minute; here the
 * test holds the opening for {@value #HOLD_MS} ms): while it opens, the element's latency counts
 * the time it has taken so far; once open, the pipeline's latency covers the measured opening for
 * the frames that waited on it (behind a decoder, the first frame and those after it), announced
 * by a LATENCY message, and no more than the opening really took.
 */
class SlowOpeningLatencyTest {
    private static final long MS = 1_000_000;
    private static final long HOLD_MS = 1500;
    private static final double HEADROOM = 1.25;

    @Test
    void theLatencyCoversTheOpeningWhileItRunsAndAfterwards() throws Exception {
        ReportingModel.Control opening = GstTestSupport.REPORTING;
        opening.holdOpenings();
        try (LivePipeline run = new LivePipeline("videotestsrc is-live=true ! video/x-raw,format=I420,width=64,"
                + "height=48,framerate=30/1 ! x264enc tune=zerolatency speed-preset=ultrafast ! avdec_h264 name=dec"
                + " ! flashvsrfilter name=f model=test-reports-opening scale=2 ! queue"
                + " ! fakesink name=sink sync=true")) {
            long played = System.nanoTime();
            run.pipeline.play();
            long whileOpening;
            try {
                assertTrue(opening.awaitOpening(30_000), "the session never began to open");
                // Answered now, before the wait: the LATENCY message after it is then due.
                elementLatency(run);
                Thread.sleep(HOLD_MS);
                whileOpening = run.longProperty("f", "processing-latency");
                assertTrue(whileOpening >= HOLD_MS * MS * HEADROOM, "while opening for " + HOLD_MS + " ms, "
                        + "processing-latency is " + whileOpening / MS + " ms");
                assertTrue(elementLatency(run) >= HOLD_MS * MS, "a latency query answered while opening");
            } finally {
                opening.releaseOpenings();
            }
            assertEquals(State.PLAYING, run.pipeline.getState(TimeUnit.SECONDS.toNanos(30)), run.errors::toString);
            long startUp = System.nanoTime() - played;
            long upstream = upstreamLatency(run);
            long highest = 0;
            long until = System.nanoTime() + 3000 * MS;
            while (System.nanoTime() < until) {
                highest = Math.max(highest, run.sinkLatency("sink"));
                Thread.sleep(20);
            }
            long element = highest - upstream;
            System.out.printf(java.util.Locale.ROOT, "opening held %d ms: processing-latency %.1f ms while opening;"
                    + " start to PLAYING %.1f ms; highest sink latency then %.1f ms (upstream %.1f ms, element %.1f ms)"
                    + ", %d LATENCY messages from the element%n", HOLD_MS, whileOpening / 1e6, startUp / 1e6,
                    highest / 1e6, upstream / 1e6, element / 1e6, run.latencyMessagesFromFilter.get());
            assertTrue(run.latencyMessagesFromFilter.get() >= 1, "a LATENCY message announced the opening");
            assertTrue(element >= HOLD_MS * MS, "the sink's latency covers the " + HOLD_MS + " ms of opening: "
                    + element / MS + " ms beyond upstream's " + upstream / MS + " ms");
            // Measured, not made up: at most what the whole start took, with the estimate's headroom
            // and a sink deadline and frame's work to spare.
            long bound = (long) (startUp * HEADROOM) + 200 * MS;
            assertTrue(element <= bound, "element's part " + element / MS + " ms, the whole start took "
                    + startUp / MS + " ms");
            assertTrue(run.errors.isEmpty(), run.errors.toString());
        }
    }

    /** The latency the element adds to upstream's, as a query on its source pad answers it now. */
    private static long elementLatency(LivePipeline run) {
        LatencyQuery query = new LatencyQuery();
        assertTrue(run.element("f").query(query), "flashvsrfilter answers latency queries");
        return query.getMinimumLatency() - upstreamLatency(run);
    }

    /** The latency of everything before the element (source, encoder, decoder). */
    private static long upstreamLatency(LivePipeline run) {
        LatencyQuery query = new LatencyQuery();
        assertTrue(run.element("dec").query(query));
        return query.getMinimumLatency();
    }
}
