package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import dev.flashvsr.engine.tensorrt.runtime.TrtException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A parse failure carries the static check's problems; other failures pass through unchanged. */
class ParseFailuresTest {
    @TempDir
    Path dir;

    private Path uniqueGraph() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        b.output(b.op("Unique", List.of(b.input("x", 4))), "y", 4);
        Path file = dir.resolve("unique.onnx");
        Files.write(file, b.build().toByteArray());
        return file;
    }

    @Test
    void aParseFailureNamesTheRuleTheNodeBreaks() throws Exception {
        TrtException parse = new TrtException(TrtException.Kind.PARSE,
                "TensorRT's ONNX parser rejects unique.onnx: node Unique_0: no importer for op Unique", "Report a bug");
        TrtException explained = ParseFailures.explained(parse, "unique.onnx", uniqueGraph());
        assertEquals(TrtException.Kind.PARSE, explained.kind());
        assertTrue(explained.getMessage().startsWith(parse.getMessage() + "; flashvsr trt-check finds in unique.onnx: "),
                explained.getMessage());
        assertTrue(explained.getMessage().contains("Unique_0 (Unique)")
                && explained.getMessage().contains("not supported by TensorRT"), explained.getMessage());
        assertEquals("Report a bug", explained.remedy());
        assertSame(parse, explained.getCause());
    }

    @Test
    void otherFailuresAreLeftAsTheyAre() throws Exception {
        TrtException build = new TrtException(TrtException.Kind.BUILD, "no tactic", "Update TensorRT");
        assertSame(build, ParseFailures.explained(build, "unique.onnx", uniqueGraph()));
    }

    @Test
    void aGraphTheCheckFindsNothingInSaysSo() throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g");
        b.output(b.op("Relu", List.of(b.input("x", 4))), "y", 4);
        Path file = dir.resolve("relu.onnx");
        Files.write(file, b.build().toByteArray());
        TrtException parse = new TrtException(TrtException.Kind.PARSE, "rejected", "Report a bug");
        assertTrue(ParseFailures.explained(parse, "relu.onnx", file).getMessage()
                .endsWith("; flashvsr trt-check finds no error in relu.onnx"));
    }
}
