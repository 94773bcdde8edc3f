package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line while a model starts, and after. */
class ProgressTest {

    @Test
    void whileTheModelStartsTheLineShowsItsStep() {
        Progress.StartUp building = new Progress.StartUp("flashvsr-v1.1", "building the DiT graph for 128x128", 0.4,
                false);
        assertEquals("flashvsr: starting model 'flashvsr-v1.1': building the DiT graph for 128x128, 40%, elapsed 0:12",
                Progress.startUpLine(building, 12.2));
        Progress.StartUp loading = new Progress.StartUp("m", "loading the weights", -1, false);
        assertEquals("flashvsr: starting model 'm': loading the weights, elapsed 1:05",
                Progress.startUpLine(loading, 65), "no share when the model gives none");
    }

    @Test
    void onceTheSessionIsOpenFramesAreShownAgain() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), false);
        progress.update(new Progress.StartUp("m", "loading the weights", 0.5, false), 0L, 3, -1, -1);
        progress.update(new Progress.StartUp("m", "session open", 1, true), 2L, 4, -1, -1);
        progress.update(null, 3L, 5, -1, -1);
        assertEquals("\rflashvsr: starting model 'm': loading the weights, 50%, elapsed 0:03"
                + "\rflashvsr: 2 frames, 0.5 fps, elapsed 0:04" + " ".repeat(27)
                + "\rflashvsr: 3 frames, 0.6 fps, elapsed 0:05", text.toString());
    }

    @Test
    void quietShowsNothing() {
        StringWriter text = new StringWriter();
        new Progress(new PrintWriter(text), true).update(new Progress.StartUp("m", "step", 0.5, false), 0L, 1, -1,
                -1);
        assertEquals("", text.toString());
    }
}
