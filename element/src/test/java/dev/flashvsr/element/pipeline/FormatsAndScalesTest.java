package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.PixelFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format at both scales through a real pipeline, at an odd size (padded strides, rounded
 * chroma): size, format, frame count, timestamps, and pixels equal to the bicubic engine's (which
 * trt-engine checks against an independent reference).
 */
class FormatsAndScalesTest {
    private static final int WIDTH = 35;
    private static final int HEIGHT = 21;
    private static final int FRAMES = 5;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (PixelFormat format : PixelFormat.values()) {
            cases.add(Arguments.of(format, 2));
            cases.add(Arguments.of(format, 4));
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void upscalesEveryFrameExactly(PixelFormat format, int scale) throws EngineException {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc pattern=snow num-buffers=" + FRAMES
                + " ! video/x-raw,format=" + format.gstName() + ",width=" + WIDTH + ",height=" + HEIGHT
                + ",framerate=25/1 ! tee name=t t. ! queue ! appsink name=in t. ! queue ! flashvsrfilter model=bicubic scale="
                + scale + " ! appsink name=out");
        assertNull(run.error(), () -> run.error());
        List<GstTestSupport.Frame> in = run.sinks().get("in");
        List<GstTestSupport.Frame> out = run.frames();
        assertEquals(FRAMES, in.size());
        assertEquals(FRAMES, out.size(), "frames in = frames out");
        for (int i = 0; i < FRAMES; i++) {
            GstTestSupport.Frame input = in.get(i);
            GstTestSupport.Frame output = out.get(i);
            assertEquals(format.gstName(), output.format());
            assertEquals(WIDTH * scale, output.width());
            assertEquals(HEIGHT * scale, output.height());
            assertEquals(input.pts(), output.pts(), "pts of frame " + i);
            assertEquals(input.duration(), output.duration(), "duration of frame " + i);
            assertEquals(i * 40_000_000L, output.pts());
            RawLayout.assertSamePixels(RawLayout.bicubic(RawLayout.wrap(format, WIDTH, HEIGHT, input.data()), scale),
                    RawLayout.wrap(format, WIDTH * scale, HEIGHT * scale, output.data()), "frame " + i);
        }
    }
}
