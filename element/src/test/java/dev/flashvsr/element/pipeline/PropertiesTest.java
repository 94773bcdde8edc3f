package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.junit.jupiter.api.Test;

class PropertiesTest {

    @Test
    void defaultsAndRoundTrips() {
        GstTestSupport.init();
        Element filter = ElementFactory.make("flashvsrfilter", "f");
        try {
            assertEquals(4, ((Number) filter.get("scale")).intValue());
            assertEquals(Models.DEFAULT, filter.get("model"));
            assertEquals(0, filter.get("device-id"));
            assertEquals(0, filter.get("tile-size"));
            assertEquals(0L, ((Number) filter.get("max-memory")).longValue(), "automatic");
            assertEquals(0, filter.get("latency-frames"));
            assertEquals(0L, ((Number) filter.get("frames-processed")).longValue());
            filter.set("scale", 2);
            filter.set("model", "test-delay-3");
            filter.set("tile-size", 256);
            filter.set("tile-overlap", 16);
            filter.set("max-memory", 2048L);
            assertEquals(2, ((Number) filter.get("scale")).intValue());
            assertEquals("test-delay-3", filter.get("model"));
            assertEquals(256, filter.get("tile-size"));
            assertEquals(16, filter.get("tile-overlap"));
            assertEquals(2048L, ((Number) filter.get("max-memory")).longValue());
            filter.set("model", "");
            assertEquals(Models.DEFAULT, filter.get("model"), "empty selects the default");
            assertEquals("", filter.get("engine-sizes"), "engines for each stream's exact size");
            filter.set("engine-sizes", "640x360-1920x1080");
            assertEquals("640x360-1920x1080", filter.get("engine-sizes"));
            assertEquals(true, filter.get("cuda-graphs"));
            filter.set("cuda-graphs", false);
            assertEquals(false, filter.get("cuda-graphs"));
        } finally {
            filter.dispose();
        }
    }

    @Test
    void precisionDefaultsToAutoAndRoundTrips() {
        GstTestSupport.init();
        Element filter = ElementFactory.make("flashvsrfilter", "f");
        try {
            assertEquals(Precision.AUTO.ordinal(), ((Number) filter.get("precision")).intValue());
            for (Precision precision : Precision.values()) {
                filter.set("precision", precision.ordinal());
                assertEquals(precision.ordinal(), ((Number) filter.get("precision")).intValue());
            }
        } finally {
            filter.dispose();
        }
    }

    /**
     * A start-time property set while PLAYING warns that it applies at the next start, and does:
     * int8 on bicubic (fp32 only) does not disturb the running stream, then fails the next start.
     */
    @Test
    void precisionChangedWhilePlayingWarnsAndAppliesAtTheNextStart() throws Exception {
        GstTestSupport.init();
        Pipeline pipeline = (Pipeline) Gst.parseLaunch("videotestsrc is-live=true ! video/x-raw,width=16,height=8,"
                + "framerate=30/1 ! flashvsrfilter name=f model=bicubic scale=2 ! fakesink");
        CompletableFuture<String> warning = new CompletableFuture<>();
        CompletableFuture<String> error = new CompletableFuture<>();
        pipeline.getBus().connect((Bus.WARNING) (source, code, message) -> {
            if (message.contains("'precision'")) {
                warning.complete(message);
            }
        });
        pipeline.getBus().connect((Bus.ERROR) (source, code, message) -> error.complete(message));
        try {
            pipeline.play();
            assertEquals(State.PLAYING, pipeline.getState(TimeUnit.SECONDS.toNanos(10)));
            pipeline.getElementByName("f").set("precision", Precision.INT8.ordinal());
            // Bus listeners run on gst1-java-core's dispatch thread, possibly after set returned.
            assertEquals("flashvsrfilter: 'precision' changes take effect after the element returns to READY",
                    warning.get(10, TimeUnit.SECONDS));
            assertEquals(State.PLAYING, pipeline.getState(TimeUnit.SECONDS.toNanos(10)));
            assertFalse(error.isDone(), () -> "the running stream failed: " + error.join());

            assertEquals(StateChangeReturn.SUCCESS, pipeline.setState(State.READY));
            assertEquals(StateChangeReturn.FAILURE, pipeline.setState(State.PAUSED));
            String message = error.get(10, TimeUnit.SECONDS);
            assertTrue(message.contains("no int8 variant"), message);
        } finally {
            pipeline.stop();
            pipeline.dispose();
        }
    }
}
