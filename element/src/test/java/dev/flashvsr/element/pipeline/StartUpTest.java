package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.testmodels.ReportingModel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.event.CapsEvent;
import org.freedesktop.gstreamer.event.StreamStartEvent;
import org.freedesktop.gstreamer.message.MessageType;
import org.junit.jupiter.api.Test;

/**
 * The start-up of a session users can follow: the steps a model reports while it opens reach the
 * bus as element messages and INFO messages, and a failed opening is not repeated for the same
 * caps unless something changed.
 */
class StartUpTest {
    private static final String CAPS = "video/x-raw,format=RGB,width=32,height=24,framerate=25/1";

    /** A flashvsr-progress element message, as an application reads it. */
    private record Progress(String model, String step, double fraction, long elapsedMillis, boolean done) {
        static Progress of(Structure s) {
            return new Progress(s.getString("model"), s.getString("step"), s.getDouble("fraction"),
                    ((Number) s.getValue("elapsed-ms")).longValue(), s.getBoolean("done"));
        }
    }

    @Test
    void theStepsOfAnOpeningArePostedAsElementAndInfoMessages() {
        List<Progress> progress = new CopyOnWriteArrayList<>();
        List<String> infos = new CopyOnWriteArrayList<>();
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=3 ! " + CAPS
                + " ! flashvsrfilter model=test-reports-opening scale=2 ! appsink name=out", (pipeline, sinks) -> {
                    Bus bus = pipeline.getBus();
                    bus.connect((Bus.INFO) (source, code, text) -> infos.add(text));
                    bus.connect((Bus.MESSAGE) (b, message) -> {
                        if (message.getType() == MessageType.ELEMENT
                                && message.getStructure().hasName("flashvsr-progress")) {
                            progress.add(Progress.of(message.getStructure()));
                        }
                    });
                });
        assertNull(run.error(), run.error());
        assertEquals(3, run.frames().size());
        List<String> steps = progress.stream().map(Progress::step).distinct().toList();
        assertEquals(List.of(ReportingModel.LOADING, ReportingModel.BUILDING + "32x24", "session open"), steps,
                progress::toString);
        Progress loading = progress.get(0);
        assertEquals("test-reports-opening", loading.model());
        assertEquals(-1, loading.fraction(), "the model gave no fraction");
        assertFalse(loading.done());
        assertEquals(0.5, progress.get(1).fraction());
        Progress open = progress.get(progress.size() - 1);
        assertTrue(open.done() && open.fraction() == 1.0, open::toString);
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).elapsedMillis() >= progress.get(i - 1).elapsedMillis(), progress::toString);
        }
        assertEquals(progress.size(), infos.size(), infos::toString);
        assertEquals("flashvsrfilter: starting model 'test-reports-opening' for 32x24 input: "
                + ReportingModel.LOADING + " (" + String.format(java.util.Locale.ROOT, "%.1f",
                        loading.elapsedMillis() / 1000.0), infos.get(0).substring(0, infos.get(0).indexOf(" s so far")));
        assertTrue(infos.get(infos.size() - 1).startsWith(
                "flashvsrfilter: model 'test-reports-opening' ready for 32x24 input after "), infos::toString);
    }

    @Test
    void aModelThatOpensQuietlyPostsNoProgress() {
        List<String> infos = new CopyOnWriteArrayList<>();
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=2 ! " + CAPS
                + " ! flashvsrfilter model=bicubic scale=2 ! appsink name=out",
                (pipeline, sinks) -> pipeline.getBus().connect((Bus.INFO) (source, code, text) -> infos.add(text)));
        assertNull(run.error(), run.error());
        assertEquals(List.of(), infos);
    }

    @Test
    void aFailedOpeningIsNotRepeatedForTheSameCapsUntilSomethingChanged() throws Exception {
        GstTestSupport.init();
        ReportingModel.Control failing = GstTestSupport.FAILING;
        Pipeline pipeline = (Pipeline) Gst.parseLaunch(
                "flashvsrfilter name=f model=test-fails-opening scale=2 ! fakesink async=false");
        List<String> errors = new CopyOnWriteArrayList<>();
        pipeline.getBus().connect((Bus.ERROR) (source, code, message) -> errors.add(message));
        try {
            assertEquals(State.PAUSED, start(pipeline));
            Pad sink = pipeline.getElementByName("f").getStaticPad("sink");
            int opens = failing.opens();
            assertFalse(sendCaps(sink, CAPS));
            assertEquals(opens + 1, failing.opens());
            assertFalse(sendCaps(sink, CAPS), "the same caps again: the same failure");
            assertEquals(opens + 1, failing.opens(), "without opening again");
            awaitErrors(errors, 2);
            assertTrue(errors.get(0).contains("flashvsrfilter cannot process 32x24 frames: the test model cannot"
                    + " open 32x24"), errors::toString);
            assertEquals(errors.get(0), errors.get(1), "the same error");

            String larger = CAPS.replace("width=32", "width=48");
            assertFalse(sendCaps(sink, larger));
            assertEquals(opens + 2, failing.opens(), "other caps open again");
            assertFalse(sendCaps(sink, larger));
            assertEquals(opens + 2, failing.opens());

            pipeline.setState(State.READY);
            assertEquals(State.PAUSED, start(pipeline));
            assertFalse(sendCaps(sink, larger));
            assertEquals(opens + 3, failing.opens(), "a restart (properties may have changed) opens again");
            awaitErrors(errors, 5);
        } finally {
            pipeline.stop();
            pipeline.dispose();
        }
    }

    private static State start(Pipeline pipeline) {
        pipeline.setState(State.PAUSED);
        return pipeline.getState(TimeUnit.SECONDS.toNanos(10));
    }

    /** Sends STREAM_START and CAPS as a source would; returns whether the element took the caps. */
    private static boolean sendCaps(Pad sink, String caps) {
        sink.sendEvent(new StreamStartEvent("start-up-test"));
        return sink.sendEvent(new CapsEvent(Caps.fromString(caps)));
    }

    private static void awaitErrors(List<String> errors, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (errors.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, errors.size(), errors::toString);
    }
}
