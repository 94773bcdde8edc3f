package dev.flashvsr.engine.tensorrt.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.flashvsr.FlashVsrCalibration;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FlashVSR's fp16, bf16 and int8 graphs (tiny golden model, calibrated on the golden clip's frames,
 * exported at the golden run's size and at 768x1408) pass the TensorRT check without errors, and the int8 DiT
 * carries its Linear layers as explicit QuantizeLinear/DequantizeLinear with int8 weights.
 */
class FlashVsrPrecisionGraphsTrtTest {
    @TempDir
    static Path dir;

    static GoldenPipeline golden;
    static Path pkg;

    @BeforeAll
    static void importAndCalibrate() throws Exception {
        golden = GoldenPipeline.load(GoldenData.root());
        pkg = dir.resolve("tiny");
        golden.importPackage(pkg);
        List<VideoFrame> frames = new ArrayList<>();
        for (int i = 0; i < FlashVsrCalibration.MIN_FRAMES; i++) {
            VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, golden.width(), golden.height());
            frame.plane(0).put(0, golden.lowResFrame(Math.min(i, golden.frames() - 1), frame.stride(0)));
            frames.add(frame);
        }
        FlashVsrCalibration.run(pkg, golden.run().scale(), frames, FlashVsrCalibration.Method.MAX, OpenProgress.NONE);
    }

    private static List<Path> export(Precision precision) throws Exception {
        return export(precision, golden.outputWidth(), golden.outputHeight());
    }

    private static List<Path> export(Precision precision, int width, int height) throws Exception {
        Path folder = FlashVsrImport.exportGraphs(pkg, width, height, precision, line -> { });
        assertTrue(folder.getFileName().toString().endsWith("-" + precision.nick()), folder.toString());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
        }
    }

    private static void assertNoErrors(List<Path> graphs) throws Exception {
        assertEquals(5, graphs.size(), graphs.toString());
        List<TrtProblem> errors = new ArrayList<>();
        for (Path graph : graphs) {
            TrtCompatibility.GraphReport report = TrtCompatibility.check(graph.getParent().getFileName() + "/"
                    + graph.getFileName(), Files.readAllBytes(graph), graph.getParent());
            errors.addAll(report.problems().stream().filter(p -> p.severity() == TrtProblem.Severity.ERROR)
                    .toList());
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void fp16AndBf16GraphsHaveNoErrors() throws Exception {
        for (Precision precision : List.of(Precision.FP16, Precision.BF16)) {
            assertNoErrors(export(precision));
            assertNoErrors(export(precision, 768, 1408));
        }
    }

    @Test
    void int8GraphsForTheRealSizeHaveNoErrors() throws Exception {
        assertNoErrors(export(Precision.INT8, 768, 1408));
    }

    @Test
    void int8GraphsHaveNoErrorsAndQuantizeEveryBlockLinear() throws Exception {
        List<Path> graphs = export(Precision.INT8);
        assertNoErrors(graphs);
        for (String dit : List.of("dit_chunk0.onnx", "dit_later.onnx")) {
            Path file = graphs.get(0).resolveSibling(dit);
            assertTrue(Files.exists(file), file.toString());
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
            long quantize = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear"))
                    .count();
            List<NodeProto> perChannel = model.getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("DequantizeLinear") && n.getAttributeCount() > 0).toList();
            long int8Weights = model.getGraph().getInitializerList().stream()
                    .filter(t -> t.getDataType() == TensorProto.DataType.INT8.getNumber() && t.getDimsCount() == 2)
                    .count();
            // 8 Linear layers a block (self-attention q, k, v, o; cross-attention q, o; FFN in and out).
            int layers = 8 * blocks(model);
            assertEquals(layers, quantize, dit + ": activation QuantizeLinear nodes");
            assertEquals(layers, perChannel.size(), dit + ": per-channel weight DequantizeLinear nodes");
            assertEquals(layers, int8Weights, dit + ": int8 weights");
        }
    }

    private static int blocks(ModelProto model) {
        return (int) model.getGraph().getOutputList().stream().filter(o -> o.getName().startsWith("k_cache_")).count();
    }
}
