package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamRunnerTest {

    /** Frames that differ from each other, so order is visible in the output. */
    private static List<RgbImage> frames(int n, int w, int h) {
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(RgbImage.filled(w, h, 10 * i, 255 - 10 * i, (7 * i) & 0xff));
        }
        return frames;
    }

    @Test
    void aModelThatHoldsFramesYieldsEveryFrameInOrderAfterDrain() throws EngineException {
        List<RgbImage> input = frames(7, 12, 8);
        StreamRunner.Output out = StreamRunner.run(FakeModels.nearest(3, false), SessionOptions.DEFAULT, 2, input);
        assertEquals(input.size(), out.frames().size(), "frames in == frames out");
        for (int i = 0; i < input.size(); i++) {
            RgbImage frame = out.frames().get(i);
            assertEquals(24, frame.width());
            assertEquals(16, frame.height());
            assertEquals(RgbImage.filled(24, 16, 10 * i, 255 - 10 * i, (7 * i) & 0xff), frame, "frame " + i);
        }
    }

    @Test
    void aModelThatLosesAFrameFailsTheEvaluation() {
        EvalException e = assertThrows(EvalException.class,
                () -> StreamRunner.run(FakeModels.nearest(2, true), SessionOptions.DEFAULT, 4, frames(5, 8, 8)));
        assertTrue(e.getMessage().contains("returned 4 frames for 5"), e.getMessage());
    }

    @Test
    void bicubicStreamsOneOutputPerInput() throws EngineException {
        List<RgbImage> input = frames(4, 16, 10);
        StreamRunner.Output out = StreamRunner.run(Models.resolve("bicubic"), SessionOptions.DEFAULT, 4, input);
        assertEquals(4, out.frames().size());
        // Bicubic keeps a flat frame flat.
        assertEquals(RgbImage.filled(64, 40, 30, 225, 21), out.frames().get(3));
    }
}
