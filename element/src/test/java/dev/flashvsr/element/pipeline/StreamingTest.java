package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.event.SeekFlags;
import org.freedesktop.gstreamer.event.SeekType;
import org.freedesktop.gstreamer.query.LatencyQuery;
import org.junit.jupiter.api.Test;

/** Draining, flushing, renegotiation and latency with a model that holds frames. */
class StreamingTest {
    private static final long FRAME_NS = 1_000_000_000L / 30;

    private static long pts(int frame) {
        return frame * 1_000_000_000L / 30;
    }

    @Test
    void endOfStreamDrainsEveryHeldFrame() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=7 ! video/x-raw,width=16,height=8,"
                + "framerate=30/1 ! flashvsrfilter model=test-delay-3 scale=2 ! appsink name=out");
        assertNull(run.error(), run.error());
        assertEquals(7, run.frames().size(), "the three held frames come out at EOS");
        for (int i = 0; i < 7; i++) {
            assertEquals(pts(i), run.frames().get(i).pts());
        }
    }

    @Test
    void flushingSeekMidStreamDropsHeldFramesAndRestarts() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc ! video/x-raw,width=16,height=8,framerate=30/1 "
                + "! flashvsrfilter model=test-delay-3 scale=2 ! appsink name=out max-buffers=4", (pipeline, sinks) -> {
                    Thread seeker = new Thread(() -> {
                        List<GstTestSupport.Frame> out = sinks.get("out");
                        while (true) {
                            synchronized (out) {
                                if (out.size() >= 10) {
                                    break;
                                }
                            }
                            sleep(5);
                        }
                        pipeline.seek(1.0, Format.TIME, EnumSet.of(SeekFlags.FLUSH, SeekFlags.ACCURATE),
                                SeekType.SET, 5_000_000_000L, SeekType.SET, 6_000_000_000L);
                    });
                    seeker.setDaemon(true);
                    seeker.start();
                });
        assertNull(run.error(), run.error());
        List<GstTestSupport.Frame> frames = run.frames();
        int flush = frames.lastIndexOf(GstTestSupport.FLUSH_STOP);
        assertTrue(flush >= 10, "the seek flushed the pipeline mid-stream");
        List<GstTestSupport.Frame> after = frames.subList(flush + 1, frames.size());
        assertEquals(30, after.size(), "exactly the frames of the new segment, none held from before");
        for (int i = 0; i < 30; i++) {
            assertEquals(pts(150 + i), after.get(i).pts());
        }
    }

    @Test
    void capsChangeMidStreamDrainsAndRenegotiates() {
        GstTestSupport.Run run = GstTestSupport.run("appsrc name=src format=time ! flashvsrfilter model=test-delay-3 "
                + "scale=2 ! appsink name=out", (pipeline, sinks) -> {
                    AppSrc src = (AppSrc) pipeline.getElementByName("src");
                    src.setCaps(Caps.fromString("video/x-raw,format=RGB,width=32,height=16,framerate=30/1"));
                    for (int i = 0; i < 4; i++) {
                        src.pushBuffer(buffer(32 * 3 * 16, i));
                    }
                    src.setCaps(Caps.fromString("video/x-raw,format=I420,width=20,height=10,framerate=30/1"));
                    for (int i = 4; i < 9; i++) {
                        src.pushBuffer(buffer(20 * 10 + 2 * 12 * 5, i));
                    }
                    src.endOfStream();
                });
        assertNull(run.error(), run.error());
        List<GstTestSupport.Frame> frames = run.frames();
        assertEquals(9, frames.size());
        for (int i = 0; i < 9; i++) {
            assertEquals(pts(i), frames.get(i).pts());
            assertEquals(i < 4 ? 64 : 40, frames.get(i).width(), "frame " + i);
            assertEquals(i < 4 ? "RGB" : "I420", frames.get(i).format(), "frame " + i);
        }
    }

    private static Buffer buffer(int size, int index) {
        Buffer buffer = new Buffer(size);
        java.nio.ByteBuffer bytes = buffer.map(true);
        for (int i = 0; i < size; i++) {
            bytes.put(i, (byte) (index * 10 + i));
        }
        buffer.unmap();
        buffer.setPresentationTimestamp(pts(index));
        buffer.setDuration(FRAME_NS);
        return buffer;
    }

    @Test
    void latencyQueryAddsHeldFramesAndALatencyMessageIsPosted() throws Exception {
        GstTestSupport.init();
        Pipeline pipeline = (Pipeline) Gst.parseLaunch("videotestsrc is-live=true ! video/x-raw,width=16,height=8,"
                + "framerate=30/1 ! flashvsrfilter name=f model=test-delay-3 scale=2 ! fakesink sync=true");
        try {
            pipeline.play();
            assertEquals(State.PLAYING, pipeline.getState(TimeUnit.SECONDS.toNanos(10)));
            Thread.sleep(300);
            LatencyQuery query = new LatencyQuery();
            assertTrue(pipeline.query(query));
            assertTrue(query.isLive());
            long min = query.getMinimumLatency();
            // videotestsrc reports one frame; the model holds three more.
            assertTrue(min >= 4 * FRAME_NS, "min latency " + min + " ns must cover 4 frames");
            assertTrue(min < 4 * FRAME_NS + 50_000_000L, "min latency " + min + " ns is more than processing allows");
            Element filter = pipeline.getElementByName("f");
            assertEquals(3, filter.get("latency-frames"));
            assertTrue(((Number) filter.get("frames-processed")).longValue() > 0);
        } finally {
            pipeline.stop();
            pipeline.dispose();
        }
    }

    @Test
    void capsWithAModelThatHoldsFramesPostLatency() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=2 ! video/x-raw,width=16,height=8 "
                + "! flashvsrfilter model=test-delay-3 scale=2 ! appsink name=out");
        assertNull(run.error(), run.error());
        assertTrue(run.latencyMessages() >= 1, "a LATENCY message follows the latency change");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
