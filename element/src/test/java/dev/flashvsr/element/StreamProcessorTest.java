package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.testmodels.DelayModel;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The element's streaming logic against the engine API, without GStreamer. */
class StreamProcessorTest {
    private static final StreamSpec SPEC = new StreamSpec(PixelFormat.RGB, 4, 2, 2);

    /** Records what leaves the element: "frame:<pts>" and event names, in order. */
    static final class Recorder implements Downstream<String> {
        final List<String> out = new ArrayList<>();
        final List<String> discarded = new ArrayList<>();
        final List<Integer> firstBytes = new ArrayList<>();
        boolean refuse;

        @Override
        public boolean pushFrame(FrameSink.FrameRenderer renderer, FrameTiming timing) {
            if (refuse) {
                return false;
            }
            VideoFrame frame = VideoFrame.allocate(SPEC.format(), SPEC.outputWidth(), SPEC.outputHeight());
            renderer.renderInto(frame);
            firstBytes.add(frame.sample(0, 0, 0, 0));
            out.add("frame:" + timing.pts());
            return true;
        }

        @Override
        public void pushEvent(String event) {
            out.add(event);
        }

        @Override
        public void discardEvent(String event) {
            discarded.add(event);
        }
    }

    private static StreamProcessor<String> processor(Recorder recorder, int delay) {
        StreamProcessor<String> processor = new StreamProcessor<>(recorder);
        processor.replaceSession(new DelayModel(delay, 0).open(SPEC, SessionOptions.DEFAULT));
        return processor;
    }

    private static VideoFrame frame(int value) {
        VideoFrame frame = VideoFrame.allocate(SPEC.format(), SPEC.width(), SPEC.height());
        frame.setSample(0, 0, 0, 0, value);
        return frame;
    }

    private static FrameTiming timing(long pts) {
        return new FrameTiming(pts, -1, 10, -1, -1, false);
    }

    @Test
    void everyFrameComesOutOnceInOrderWithItsOwnTiming() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 3);
        for (int i = 0; i < 5; i++) {
            processor.push(frame(i), timing(i * 10));
        }
        assertEquals(List.of("frame:0", "frame:10"), recorder.out);
        processor.drain();
        assertEquals(List.of("frame:0", "frame:10", "frame:20", "frame:30", "frame:40"), recorder.out);
        assertEquals(List.of(0, 1, 2, 3, 4), recorder.firstBytes);
        assertEquals(5, processor.framesProcessed());
    }

    @Test
    void serializedEventsKeepTheirPlaceAmongHeldFrames() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 2);
        processor.serializedEvent("stream-start");
        processor.push(frame(0), timing(0));
        processor.serializedEvent("tag");
        processor.push(frame(1), timing(10));
        processor.push(frame(2), timing(20));
        processor.serializedEvent("segment");
        processor.drain();
        assertEquals(List.of("stream-start", "frame:0", "tag", "frame:10", "frame:20", "segment"), recorder.out);
    }

    @Test
    void flushDropsHeldFramesAndQueuedEventsAndResetsState() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 2);
        processor.push(frame(0), timing(0));
        processor.serializedEvent("tag");
        processor.push(frame(1), timing(10));
        processor.flushStart();
        assertFalse(processor.push(frame(2), timing(20)), "pushing while flushing is refused");
        processor.flushStop();
        assertEquals(List.of("tag"), recorder.discarded);
        processor.push(frame(7), timing(70));
        processor.drain();
        assertEquals(List.of("frame:70"), recorder.out);
        assertEquals(List.of(7), recorder.firstBytes);
    }

    @Test
    void discontinuityDrainsThenResets() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 2);
        processor.push(frame(0), timing(0));
        processor.push(frame(1), timing(10));
        processor.push(frame(5), new FrameTiming(500, -1, 10, -1, -1, true));
        assertEquals(List.of("frame:0", "frame:10"), recorder.out, "held frames come out before the gap");
        processor.drain();
        assertEquals(List.of("frame:0", "frame:10", "frame:500"), recorder.out);
    }

    @Test
    void downstreamRefusalStopsProduction() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 0);
        recorder.refuse = true;
        assertFalse(processor.push(frame(0), timing(0)));
        assertEquals(0, processor.framesProcessed());
    }

    @Test
    void aModelThatLosesFramesFailsLoudly() {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = new StreamProcessor<>(recorder);
        processor.replaceSession(new LossySession());
        assertThrows(IllegalStateException.class, () -> {
            processor.push(frame(0), timing(0));
            processor.drain();
        });
    }

    @Test
    void aModelThatInventsFramesFailsLoudly() {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = new StreamProcessor<>(recorder);
        processor.replaceSession(new LossySession() {
            @Override
            public void push(VideoFrame input, FrameSink sink) {
                sink.frameReady(out -> { });
                sink.frameReady(out -> { });
            }
        });
        assertThrows(IllegalStateException.class, () -> processor.push(frame(0), timing(0)));
    }

    @Test
    void framesBeforeCapsAreRejected() {
        StreamProcessor<String> processor = new StreamProcessor<>(new Recorder());
        assertThrows(IllegalStateException.class, () -> processor.push(frame(0), timing(0)));
    }

    @Test
    void sessionsAreReplacedOnlyWhenEmpty() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 1);
        processor.push(frame(0), timing(0));
        assertThrows(IllegalStateException.class,
                () -> processor.replaceSession(new DelayModel(1, 0).open(SPEC, SessionOptions.DEFAULT)));
        processor.drain();
        processor.replaceSession(new DelayModel(1, 0).open(SPEC, SessionOptions.DEFAULT));
        assertTrue(processor.isConfigured());
    }

    /** Swallows every frame. */
    private static class LossySession implements StreamingSession {
        @Override
        public StreamSpec spec() {
            return SPEC;
        }

        @Override
        public void push(VideoFrame input, FrameSink sink) {
        }

        @Override
        public void drain(FrameSink sink) {
        }

        @Override
        public void reset() {
        }

        @Override
        public int latencyFrames() {
            return 0;
        }

        @Override
        public int heldFrames() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aSessionThatHoldsFramesIsNotRunBlankButItsOpeningIsRecorded() throws EngineException {
        Recorder recorder = new Recorder();
        StreamProcessor<String> processor = processor(recorder, 3);
        long frameDuration = 40_000_000;
        // Opened 2 s ago: the frames that arrive meanwhile wait that long.
        processor.warmUp(System.nanoTime() - 2_000_000_000L, frameDuration);
        assertTrue(processor.latency().processingNanos() >= 2_500_000_000L, "2 s of opening plus 25%");
        assertTrue(processor.latency().awaitsFirstFrame());
        assertEquals(List.of(), recorder.out, "nothing was run through it");
        processor.drain();
        assertEquals(List.of(), recorder.out, "it holds no blank frame");
    }
}
