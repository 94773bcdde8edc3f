package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.SessionOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    static {
        Models.register("eval-test-bicubic-copy", () -> Models.resolve("bicubic"));
        Models.register("eval-test-nearest", () -> FakeModels.nearest(2, false));
    }

    private static List<TestSequence> clips(int scale) {
        return List.of(TestSequence.make("a", TestSequenceTest.photo(90, 70), scale, 4, 512),
                TestSequence.make("b", TestSequenceTest.photo(120, 64), scale, 4, 512));
    }

    @Test
    void bicubicAgainstBicubicDiffersByNothing() throws EngineException {
        List<Evaluator.ModelResult> results = Evaluator.evaluate(List.of("bicubic", "eval-test-bicubic-copy"),
                SessionOptions.DEFAULT, 4, clips(4), List.of(Degradation.CLEAN), line -> { });
        assertEquals(2, results.size());
        Scores a = results.get(0).mean();
        Scores b = results.get(1).mean();
        assertEquals(0.0, b.psnr() - a.psnr(), 0);
        assertEquals(0.0, b.ssim() - a.ssim(), 0);
        assertEquals(0.0, b.temporalError() - a.temporalError(), 0);
        assertEquals(results.get(0).rows(), results.get(1).rows());
        assertTrue(a.psnr() > 15 && a.psnr() < 60, "plausible PSNR " + a.psnr());
        assertTrue(a.ssim() > 0.3 && a.ssim() < 1, "plausible SSIM " + a.ssim());
        assertEquals(8, a.frames(), "two clips of four frames");

        StringWriter text = new StringWriter();
        ReportWriter.summary(new PrintWriter(text, true), results, "bicubic", 4);
        assertTrue(text.toString().contains("eval-test-bicubic-copy"), text.toString());
        assertTrue(text.toString().contains("(+0.00)") && text.toString().contains("(+0.0000)")
                && text.toString().contains("(+0.000)"), text.toString());
    }

    @Test
    void bicubicBeatsNearestNeighbourAndEveryFrameIsScored() throws EngineException {
        List<Evaluator.ModelResult> results = Evaluator.evaluate(List.of("bicubic", "eval-test-nearest"),
                SessionOptions.DEFAULT, 2, clips(2), List.of(Degradation.CLEAN), line -> { });
        Scores bicubic = results.get(0).mean();
        Scores nearest = results.get(1).mean();
        assertTrue(bicubic.psnr() > nearest.psnr(), bicubic + " vs " + nearest);
        assertTrue(bicubic.ssim() > nearest.ssim(), bicubic + " vs " + nearest);
        assertEquals(8, results.get(1).frames());
    }

    @Test
    void csvHasAHeaderARowPerImageAndAMeanPerModel() throws Exception {
        List<Evaluator.ModelResult> results = Evaluator.evaluate(List.of("bicubic"), SessionOptions.DEFAULT, 4,
                clips(4), List.of(Degradation.CLEAN), line -> { });
        StringWriter csv = new StringWriter();
        ReportWriter.csv(csv, results, "bicubic", 4);
        List<String> lines = new ArrayList<>(csv.toString().lines().toList());
        assertEquals(4, lines.size(), csv.toString());
        assertTrue(lines.get(0).startsWith("scale,degradation,model,image,"), lines.get(0));
        assertTrue(lines.get(1).startsWith("4,clean,bicubic,a,"), lines.get(1));
        assertTrue(lines.get(3).startsWith("4,clean,bicubic,mean,"), lines.get(3));
        assertTrue(lines.get(3).contains(",0.000000,0.000000,0.000000,"), "zero delta of the reference: " + lines.get(3));
    }
}
