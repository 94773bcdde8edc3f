package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvsr trt-check} on the built-in models, a package folder, bad graphs and bad arguments. */
class TrtCheckCommandTest {
    @TempDir
    Path dir;

    /** A graph with one TopK of K = 5000, over TensorRT's limit of 3840. */
    private static void writeTopK5000(Path file) throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("bad");
        List<String> out = b.node("TopK", List.of(b.input("x", 1, 8000), b.int64Tensor("k", new long[] {5000}, 1)),
                List.of("values", "indices"), Map.of());
        b.output(out.get(0), "y", 1, 5000);
        b.save(file);
    }

    @Test
    void builtInModelsAndAPackageFolderPass() {
        CliTestSupport.Result builtIn = CliTestSupport.run("trt-check", "vsr-small", "vsr-small-fast");
        assertEquals(0, builtIn.code(), builtIn.toString());
        // each package: x2 and x4 at fp32, fp16 and int8
        assertTrue(builtIn.out().matches("(?s).*ok: 12 graphs, \\d+ nodes\\R$"), builtIn.toString());

        CliTestSupport.Result folder = CliTestSupport.run("trt-check", "../models/vsr-small");
        assertEquals(0, folder.code(), folder.toString());
        assertTrue(folder.out().contains("ok: 6 graphs"), folder.toString());
    }

    @Test
    void aGraphWithAProblemPrintsItsNodeAndExitsWithOne() throws Exception {
        Path bad = dir.resolve("bad.onnx");
        writeTopK5000(bad);
        CliTestSupport.Result r = CliTestSupport.run("trt-check", "vsr-small", bad.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains(bad + ": node TopK_0 (TopK): K = 5000 exceeds TensorRT's TopK limit of 3840"),
                r.toString());
        assertTrue(r.err().contains("1 TensorRT problem in 7 graphs"), r.toString());
    }

    @Test
    void aFlashVsrPackageIsCheckedThroughItsExportedGraphs() throws Exception {
        Path pkg = dir.resolve("flashvsr");
        Files.createDirectories(pkg.resolve("onnx/256x256"));
        Files.writeString(pkg.resolve("manifest.json"), "{\"format\": \"flashvsr-streaming/1\"}");
        CliTestSupport.Result none = CliTestSupport.run("trt-check", pkg.toString());
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("no exported graphs") && none.err().contains("--export-onnx"), none.toString());

        writeTopK5000(pkg.resolve("onnx/256x256/dit_chunk0.onnx"));
        CliTestSupport.Result r = CliTestSupport.run("trt-check", pkg.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("dit_chunk0.onnx: node TopK_0 (TopK)"), r.toString());
    }

    @Test
    void aMissingOrUnknownTargetIsAUsageError() throws Exception {
        CliTestSupport.Result missing = CliTestSupport.run("trt-check", dir.resolve("nothing.onnx").toString());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("nothing.onnx is neither an .onnx file"), missing.toString());

        Path notAPackage = Files.createDirectories(dir.resolve("empty"));
        CliTestSupport.Result empty = CliTestSupport.run("trt-check", notAPackage.toString());
        assertEquals(2, empty.code(), empty.toString());
        assertTrue(empty.err().contains("manifest.json"), empty.toString());

        CliTestSupport.Result noArgs = CliTestSupport.run("trt-check");
        assertEquals(2, noArgs.code(), noArgs.toString());
    }

    @Test
    void bytesThatAreNotAModelAreReportedAsAProblem() throws Exception {
        Path junk = Files.write(dir.resolve("junk.onnx"), new byte[] {(byte) 0xff, 1, 2});
        CliTestSupport.Result r = CliTestSupport.run("trt-check", junk.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("not an ONNX model"), r.toString());
    }
}
