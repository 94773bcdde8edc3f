package dev.flashvsr.element.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.junit.jupiter.api.Test;

/**
 * Live sources and synchronising sinks: the latency the pipeline reports is upstream's plus the
 * element's, the element keeps it current with LATENCY messages, no frame is late at a rate the
 * model sustains, and QoS skips frames instead of building a backlog when it does not.
 */
class LiveLatencyTest {
    private static final long MS = 1_000_000;

    private static String liveSource(int width, int height, int fps) {
        return "videotestsrc is-live=true name=src ! video/x-raw,format=I420,width=" + width + ",height=" + height
                + ",framerate=" + fps + "/1 ! ";
    }

    private static final String LATE_COUNTING_SINK = " ! fakesink name=sink sync=true qos=true max-lateness=0";

    @Test
    void reportedLatencyIsUpstreamPlusElementAndNoFrameIsLate() throws Exception {
        // 12 frames/s for 4 s: no frame leaves the estimate's 64-frame window (until 5.3 s), and
        // videotestsrc stamps its first frame after the session opened (no start-up wait to step
        // down from), so the latency reported is the estimate itself, not a step on the way down.
        try (LivePipeline run = new LivePipeline(liveSource(160, 96, 12)
                + "flashvsrfilter name=f scale=2" + LATE_COUNTING_SINK).play()) {
            Thread.sleep(4000);
            long upstream = sourceLatency(run.element("src"));
            long before = run.longProperty("f", "processing-latency");
            long total = run.pipelineLatency();
            long after = run.longProperty("f", "processing-latency");
            assertEquals(83_333_333, upstream, 1, "videotestsrc reports one frame");
            assertEquals(0, run.longProperty("f", "latency-frames"));
            assertTrue(before > 0, "a processing estimate exists once frames ran");
            long sink = run.longProperty("sink", "processing-deadline");
            assertTrue(total >= upstream + Math.min(before, after) + sink
                    && total <= upstream + Math.max(before, after) + sink, "pipeline latency " + total + " = upstream "
                    + upstream + " + element " + before + ".." + after + " + the sink's processing deadline " + sink);
            LivePipeline.SinkStats stats = run.sinkStats("sink");
            assertTrue(stats.rendered() >= 40, "frames rendered: " + stats.rendered());
            assertEquals(0, stats.late(), "late frames at the sink out of " + stats.rendered());
            assertEquals(0, run.longProperty("f", "frames-dropped"));
            assertTrue(run.errors.isEmpty(), run.errors.toString());
        }
    }

    @Test
    void aSlowerModelRaisesTheLatencyWithAMessage() throws Exception {
        try (LivePipeline run = new LivePipeline(liveSource(32, 16, 10)
                + "flashvsrfilter name=f scale=2 model=test-slows-down" + LATE_COUNTING_SINK).play()) {
            Thread.sleep(1500);
            long fast = run.longProperty("f", "processing-latency");
            assertTrue(fast < 20 * MS, "fast frames first: " + fast);
            int messagesBefore = run.latencyMessagesFromFilter.get();
            Thread.sleep(1500);
            long slow = run.longProperty("f", "processing-latency");
            assertTrue(slow >= 75 * MS, "60 ms per frame plus headroom, got " + slow);
            assertTrue(run.latencyMessagesFromFilter.get() > messagesBefore, "LATENCY posted when the estimate rose");
            assertEquals(100 * MS + slow + run.longProperty("sink", "processing-deadline"), run.pipelineLatency(),
                    2 * MS);
        }
    }

    @Test
    void heldFramesCountInTheLatency() throws Exception {
        try (LivePipeline run = new LivePipeline(liveSource(32, 16, 10)
                + "flashvsrfilter name=f scale=2 model=test-delay-3" + LATE_COUNTING_SINK).play()) {
            Thread.sleep(1500);
            assertEquals(3, run.longProperty("f", "latency-frames"));
            assertEquals(100 * MS + 3 * 100 * MS + run.longProperty("f", "processing-latency")
                    + run.longProperty("sink", "processing-deadline"), run.pipelineLatency(), 2 * MS);
            assertEquals(0, run.sinkStats("sink").late());
        }
    }

    @Test
    void qosSkipsLateFramesInsteadOfBuildingABacklog() throws Exception {
        // 60 ms of work per frame at 25 frames/s: a third of the frames cannot be processed.
        Lateness withQos = runTooSlow(true);
        assertTrue(withQos.dropped > 0, "frames skipped with QoS on");
        assertEquals(withQos.dropped, withQos.qosMessages, "one QoS message per skipped frame");
        // One frame may still be in the model when the pipeline pauses.
        assertEquals(withQos.arrived, withQos.dropped + withQos.processed, 1, "every input frame processed or skipped");
        assertTrue(withQos.lastLateness < 300 * MS, "with QoS the sink stays near real time: " + withQos);

        Lateness withoutQos = runTooSlow(false);
        assertEquals(0, withoutQos.dropped);
        assertEquals(0, withoutQos.qosMessages);
        assertTrue(withoutQos.lastLateness > 600 * MS, "without QoS the backlog grows: " + withoutQos);
    }

    private record Lateness(long arrived, long processed, long dropped, int qosMessages, long lastLateness) {
    }

    private static Lateness runTooSlow(boolean qos) throws Exception {
        try (LivePipeline run = new LivePipeline(liveSource(32, 16, 25) + "flashvsrfilter name=f scale=2 "
                + "model=test-slow-60ms qos=" + qos + " ! fakesink name=sink sync=true qos=true")) {
            AtomicLong arrived = new AtomicLong();
            AtomicLong lastLateness = new AtomicLong();
            AtomicLong latency = new AtomicLong();
            Element filter = run.element("f");
            filter.getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                arrived.incrementAndGet();
                return PadProbeReturn.OK;
            });
            // How late each frame reaches the sink: clock now against base time + running time + latency.
            run.element("sink").getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                long due = run.pipeline.getBaseTime() + info.getBuffer().getPresentationTimestamp() + latency.get();
                lastLateness.set(run.pipeline.getClock().getTime() - due);
                return PadProbeReturn.OK;
            });
            run.play();
            for (int i = 0; i < 20; i++) {
                // Queried here, not in the probe: a query from the streaming thread could wait on it.
                latency.set(run.pipelineLatency());
                Thread.sleep(200);
            }
            run.pipeline.setState(org.freedesktop.gstreamer.State.PAUSED);
            return new Lateness(arrived.get(), run.longProperty("f", "frames-processed"),
                    run.longProperty("f", "frames-dropped"), run.qosMessagesFromFilter.get(), lastLateness.get());
        }
    }

    @Test
    void qosCanBeSwitchedWhilePlaying() throws Exception {
        try (LivePipeline run = new LivePipeline(liveSource(32, 16, 25) + "flashvsrfilter name=f scale=2 "
                + "model=test-slow-60ms qos=false ! fakesink name=sink sync=true qos=true").play()) {
            Thread.sleep(1500);
            assertEquals(0, run.longProperty("f", "frames-dropped"));
            run.element("f").set("qos", true);
            Thread.sleep(1500);
            assertTrue(run.longProperty("f", "frames-dropped") > 0, "skipping starts once qos is on");
            assertTrue(run.errors.isEmpty(), run.errors.toString());
        }
    }

    private static long sourceLatency(Element source) {
        LatencyQuery query = new LatencyQuery();
        assertTrue(source.query(query));
        return query.getMinimumLatency();
    }
}
