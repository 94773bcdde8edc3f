package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchAndMiscTest {

    @Test
    void benchPrintsATableWithTheRatio() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "--size", "64x48", "--frames", "10",
                "--scale", "2", "--model", "bicubic");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("videotestsrc only (baseline)"), r::toString);
        assertTrue(r.out().contains("videoscale method=catrom"), r::toString);
        assertTrue(r.out().contains("flashvsrfilter model=bicubic"), r::toString);
        assertTrue(r.out().contains("flashvsrfilter / videoscale throughput:"), r::toString);
    }

    @Test
    void benchOfANeuralModelComparesWithTheRawSession() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "--size", "32x24,40x64", "--frames", "5", "--scale", "2");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("raw ONNX Runtime session (graph only)"), r::toString);
        assertTrue(r.out().contains("40x64 -> 80x128"), r::toString);
        assertTrue(r.out().contains("flashvsrfilter / raw ONNX Runtime session (graph only):"), r::toString);
        if (Runtime.getRuntime().availableProcessors() >= 2) {
            // 64 rows are enough for one band per core: the element's way of running a frame
            assertTrue(r.out().contains("flashvsrfilter / raw graph in 2 parallel bands:"), r::toString);
        }
    }

    /**
     * Each precision in one run, the element and the raw session, against the first. No shipped
     * package has bf16 (a CPU backend gains nothing from it): that variant fails, the others run.
     */
    @Test
    void benchMeasuresEachPrecisionAndReportsAMissingOneOnItsOwnLine() {
        CliTestSupport.Result r = CliTestSupport.run("bench", "--size", "32x24", "--frames", "5", "--scale", "2",
                "--precision", "fp32,auto,int8,bf16");
        assertEquals(1, r.code(), "a failed variant fails the run:\n" + r);
        assertTrue(r.out().contains("precisions fp32, auto, int8, bf16"), r::toString);
        String element = "flashvsrfilter model=" + Models.DEFAULT;
        String graph = "raw ONNX Runtime session (graph only)";
        for (String precision : List.of("fp32", "auto", "int8")) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(element + " precision=" + precision) + " +\\d+ +\\d")
                    .matcher(r.out()).find(), r::toString);
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(graph + " precision=" + precision) + " +\\d+ +\\d")
                    .matcher(r.out()).find(), r::toString);
        }
        assertTrue(r.out().contains(element + " precision=auto / " + element + " precision=fp32: "), r::toString);
        assertTrue(r.out().contains(graph + " precision=auto / " + graph + " precision=fp32: "), r::toString);
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(element + " precision=bf16") + " +failed: .*no bf16"
                + " variant.*it has fp32").matcher(r.out()).find(), r::toString);
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(graph + " precision=bf16") + " +failed: .*no bf16"
                + " variant").matcher(r.out()).find(), r::toString);
    }

    @Test
    void badPrecisionsAreUsageErrors() {
        CliTestSupport.Result unknown = CliTestSupport.run("bench", "--precision", "fp32,fp8");
        assertEquals(2, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("--precision must be one of auto, fp32, fp16, bf16, int8, not 'fp8'"),
                unknown::toString);
        CliTestSupport.Result twice = CliTestSupport.run("bench", "--precision", "int8,INT8");
        assertEquals(2, twice.code(), twice::toString);
        CliTestSupport.Result backend = CliTestSupport.run("bench", "--backend", "gpu");
        assertEquals(2, backend.code(), backend::toString);
        assertTrue(backend.err().contains("--backend must be one of auto, cpu, tensorrt, cuda"), backend::toString);
    }

    @Test
    void badSizesAreUsageErrors() {
        assertEquals(2, CliTestSupport.run("bench", "--size", "64by48").code());
        assertEquals(2, CliTestSupport.run("bench", "--size", "1x1").code());
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliTestSupport.Result r = CliTestSupport.run();
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("upscale"), r::toString);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, CliTestSupport.run("upscale", "--frobnicate", "a.mp4", "b.mp4").code());
    }

    @Test
    void gateOnlyTrainingNeedsAGateAndStartingWeights() {
        CliTestSupport.Result r = CliTestSupport.run("train", "--gate-only", "--out", "unused.safetensors");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--gate-only needs --temporal-gate and --init"), r::toString);
        assertEquals(2, CliTestSupport.run("train", "--gate-only", "--temporal-gate", "--out", "unused.safetensors").code());
    }

    /** Found before the photos are decoded, not after the training when the weights are saved. */
    @Test
    void trainChecksItsOutputAndStartingWeightsFirst(@TempDir Path dir) throws IOException {
        CliTestSupport.Result unwritable = CliTestSupport.run("train", "--steps", "1", "--out",
                "/proc/flashvsr-test/w.safetensors");
        assertEquals(2, unwritable.code(), unwritable::toString);
        assertTrue(unwritable.err().startsWith("--out '/proc/flashvsr-test/w.safetensors' cannot be written"),
                unwritable::toString);

        Path bad = Files.writeString(dir.resolve("init.safetensors"), "not weights");
        CliTestSupport.Result badInit = CliTestSupport.run("train", "--steps", "1", "--out",
                dir.resolve("w.safetensors").toString(), "--init", bad.toString());
        assertEquals(2, badInit.code(), badInit::toString);
        assertTrue(badInit.err().startsWith("--init: " + bad), badInit::toString);
        assertEquals(List.of("init.safetensors"), StagedOutputTest.entries(dir), "the probe file is removed");
    }

    @Test
    void progressLineShowsFramesRateAndEta() {
        String line = Progress.line(60L, 2.0, 1_000_000_000L, 4_000_000_000L);
        assertEquals("flashvsr: 60 frames, 30.0 fps, elapsed 0:02, 25%, ETA 0:06", line);
        assertEquals("flashvsr: running, elapsed 1:01:05", Progress.line(null, 3665, -1, -1));
    }

    @Test
    void humanSizes() {
        assertEquals("512 B", UpscaleCommand.humanSize(512));
        assertEquals("1.5 KiB", UpscaleCommand.humanSize(1536));
        assertEquals("2.0 MiB", UpscaleCommand.humanSize(2L * 1024 * 1024));
    }
}
