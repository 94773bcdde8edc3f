package dev.flashvsr.element.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.event.SeekFlags;
import org.freedesktop.gstreamer.event.SeekType;
import org.junit.jupiter.api.Test;

/** A model busy with a frame delays a flush or a state change by at most that frame's work. */
class ResponsivenessTest {
    private static final long FRAME_WORK_MS = 300;
    /** Scheduling and the rest of the pipeline, on a loaded 2-core machine. */
    private static final long SLACK_MS = 400;

    private static LivePipeline busyPipeline() throws InterruptedException {
        LivePipeline run = new LivePipeline("videotestsrc ! video/x-raw,width=32,height=16,framerate=25/1 "
                + "! flashvsrfilter name=f scale=2 model=test-slow-300ms ! fakesink sync=false").play();
        Thread.sleep(1000);
        return run;
    }

    @Test
    void stoppingWaitsForOneFrameAtMost() throws Exception {
        try (LivePipeline run = busyPipeline()) {
            long start = System.nanoTime();
            run.pipeline.setState(State.NULL);
            assertEquals(State.NULL, run.pipeline.getState(TimeUnit.SECONDS.toNanos(10)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < FRAME_WORK_MS + SLACK_MS, "PLAYING to NULL took " + tookMs + " ms");
        }
    }

    @Test
    void flushingSeekWaitsForOneFrameAtMost() throws Exception {
        try (LivePipeline run = busyPipeline()) {
            long start = System.nanoTime();
            assertTrue(run.pipeline.seek(1.0, Format.TIME, EnumSet.of(SeekFlags.FLUSH), SeekType.SET, 0,
                    SeekType.NONE, -1));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMs < FRAME_WORK_MS + SLACK_MS, "a flushing seek took " + tookMs + " ms");
            long processed = run.longProperty("f", "frames-processed");
            Thread.sleep(1000);
            assertTrue(run.longProperty("f", "frames-processed") > processed, "frames flow again after the seek");
            assertTrue(run.errors.isEmpty(), run.errors.toString());
        }
    }
}
