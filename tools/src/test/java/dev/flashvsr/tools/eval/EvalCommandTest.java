package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.tools.CliTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @TempDir
    Path dir;

    private Path photo(String name, int width, int height) throws IOException {
        return CliTestSupport.writePhoto(dir, name, width, height);
    }

    @Test
    void evaluatesBicubicOnOneImageAndPrintsTheTable() throws IOException {
        Path image = photo("small.png", 96, 80);
        Path csv = dir.resolve("scores.csv");
        CliTestSupport.Result r = CliTestSupport.run("eval", "--model", "bicubic", "--images", image.toString(), "--frames", "3", "--csv",
                csv.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("PSNR-Y") && r.out().contains("SSIM-Y") && r.out().contains("temp.err"), r::toString);
        assertTrue(r.out().contains("small.png"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("mean")), r::toString);
        assertTrue(r.out().contains("Summary, x4"), r::toString);
        assertTrue(r.out().contains("at most 512x512 HR pixels"), r::toString);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(1).startsWith("4,clean,bicubic,small.png,64,64,3,"), lines.get(1));
    }

    @Test
    void h264InputIsEvaluatedToo() throws IOException {
        Path image = photo("tiny.png", 80, 64);
        CliTestSupport.Result r = CliTestSupport.run("eval", "--model", "bicubic", "--images", image.toString(), "--frames", "3", "--scale", "2",
                "--h264", "200", "--quiet");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("x264enc 200 kbit/s"), r::toString);
        assertTrue(r.out().contains("h264-200kbps"), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void badArgumentsAreUsageErrorsAndBadImagesFailures() throws IOException {
        Path image = photo("p.png", 96, 80);
        assertEquals(2, CliTestSupport.run("eval", "--scale", "3", "--images", image.toString()).code());
        assertEquals(2, CliTestSupport.run("eval", "--frames", "0", "--images", image.toString()).code());
        CliTestSupport.Result missing = CliTestSupport.run("eval", "--images", dir.resolve("nope.png").toString());
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("nope.png"), missing::toString);
        CliTestSupport.Result unknown = CliTestSupport.run("eval", "--model", "no-such-model", "--images", image.toString(), "--frames", "2");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no-such-model"), unknown::toString);
        Path small = photo("small.png", 20, 20);
        CliTestSupport.Result tooSmall = CliTestSupport.run("eval", "--images", small.toString());
        assertEquals(1, tooSmall.code(), tooSmall::toString);
        assertTrue(tooSmall.err().contains("too small"), tooSmall::toString);
    }

    @Test
    void evaluatesAModelAtEachPrecisionAndBicubicOnce() throws IOException {
        Path image = photo("p.png", 64, 48);
        CliTestSupport.Result r = CliTestSupport.run("eval", "--model", "vsr-small-fast", "--precision", "fp32,int8",
                "--scale", "2", "--frames", "2", "--images", image.toString(), "--quiet");
        assertEquals(0, r.code(), r::toString);
        List<String> summary = r.out().lines().filter(l -> l.trim().startsWith("clean")).toList();
        assertEquals(3, summary.size(), r::toString);
        assertTrue(summary.get(0).contains("bicubic") && summary.get(1).contains("vsr-small-fast fp32")
                && summary.get(2).contains("vsr-small-fast int8"), r::toString);
    }

    @Test
    void unknownOrMissingPrecisionsAndBackendsAreReported() throws IOException {
        Path image = photo("p.png", 64, 48);
        CliTestSupport.Result fp8 = CliTestSupport.run("eval", "--precision", "fp32,fp8", "--images", image.toString());
        assertEquals(2, fp8.code(), fp8::toString);
        assertTrue(fp8.err().contains("--precision must be one of auto, fp32, fp16, bf16, int8, not 'fp8'"), fp8::toString);
        CliTestSupport.Result gpu = CliTestSupport.run("eval", "--backend", "gpu", "--images", image.toString());
        assertEquals(2, gpu.code(), gpu::toString);
        assertTrue(gpu.err().contains("--backend must be one of auto, cpu, tensorrt, cuda, not 'gpu'"),
                gpu::toString);
        CliTestSupport.Result bf16 = CliTestSupport.run("eval", "--model", "vsr-small-fast", "--precision", "bf16",
                "--scale", "2", "--frames", "2", "--images", image.toString(), "--quiet");
        assertEquals(1, bf16.code(), bf16::toString);
        assertTrue(bf16.err().contains("has no bf16 variant; it has fp32, fp16, int8"), bf16::toString);
    }
}
