package dev.flashvsr.tools.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.tensorrt.check.TrtCompatibility;
import dev.flashvsr.engine.tensorrt.check.TrtProblem;
import dev.flashvsr.tools.CliTestSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvsr calibrate} on a copy of vsr-small-fast's x2 graph with small synthetic photos. */
class CalibrateCommandTest {
    private static final Path SHIPPED = Path.of("..", "models", "vsr-small-fast");

    @TempDir
    Path dir;

    /** A copy of vsr-small-fast with only its fp32 x2 graph, so each run calibrates one small graph. */
    private Path packageCopy(String name) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(name));
        Files.copy(SHIPPED.resolve("x2.onnx"), folder.resolve("x2.onnx"));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest = (ObjectNode) json.readTree(SHIPPED.resolve("manifest.json").toFile());
        ArrayNode graphs = (ArrayNode) manifest.get("graphs");
        JsonNode x2 = graphs.get(0);
        assertEquals("x2.onnx", x2.get("file").asText());
        graphs.removeAll().add(x2);
        Files.writeString(folder.resolve("manifest.json"), json.writeValueAsString(manifest) + "\n");
        return folder;
    }

    private List<String> photos() throws IOException {
        return List.of(CliTestSupport.writePhoto(dir, "a.png", 96, 80).toString(),
                CliTestSupport.writePhoto(dir, "b.png", 80, 96).toString());
    }

    private CliTestSupport.Result calibrate(Path folder, List<String> images) {
        List<String> args = new ArrayList<>(List.of("calibrate", folder.toString(), "--frames", "3", "--images"));
        args.addAll(images);
        return CliTestSupport.run(args.toArray(String[]::new));
    }

    private static Map<String, byte[]> contents(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    private static void assertSameContents(Map<String, byte[]> expected, Path folder) throws IOException {
        Map<String, byte[]> actual = contents(folder);
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertTrue(Arrays.equals(bytes, actual.get(name)), name));
    }

    @Test
    void writesVariantsReportsEveryMethodAndIsReproducible() throws Exception {
        Path first = packageCopy("first");
        Path second = packageCopy("second");
        List<String> images = photos();
        CliTestSupport.Result r = calibrate(first, images);
        assertEquals(0, r.code(), r::toString);
        for (String row : List.of("fp16", "int8 max", "int8 percentile-99.99", "int8 mse")) {
            assertTrue(r.out().contains(row + " "), r::toString);
        }
        assertEquals(1, r.out().lines().filter(l -> l.endsWith("chosen")).count(), r::toString);
        // a second run over the variants it wrote replaces them with the same bytes
        assertEquals(0, calibrate(first, images).code());
        assertEquals(0, calibrate(second, images).code());
        Map<String, byte[]> files = contents(first);
        assertEquals(Set.of("manifest.json", "x2.onnx", "x2-fp16.onnx", "x2-int8.onnx"), files.keySet());
        assertSameContents(files, second);

        assertEquals(List.of(Precision.FP32, Precision.FP16, Precision.INT8),
                List.copyOf(ModelPackage.load(first).manifest().precisions(2)));
        for (String graph : List.of("x2-fp16.onnx", "x2-int8.onnx")) {
            List<TrtProblem> errors = TrtCompatibility.check(graph, files.get(graph), null).problems().stream()
                    .filter(p -> p.severity() == TrtProblem.Severity.ERROR).toList();
            assertEquals(List.of(), errors, graph);
        }
    }

    /** Calibrating {@code folder} fails with exit code 1 and {@code message}, and leaves its files as they were. */
    private void assertFailsWritingNothing(Path folder, List<String> images, String message) throws IOException {
        Map<String, byte[]> before = contents(folder);
        CliTestSupport.Result r = calibrate(folder, images);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
        assertSameContents(before, folder);
    }

    @Test
    void tooFewOrUnreadableImagesWriteNothing() throws Exception {
        Path folder = packageCopy("pkg");
        List<String> images = photos();
        assertFailsWritingNothing(folder, images.subList(0, 1), "at least 2 usable images");
        Path broken = Files.writeString(dir.resolve("broken.png"), "not a picture");
        List<String> withBroken = new ArrayList<>(images);
        withBroken.add(broken.toString());
        assertFailsWritingNothing(folder, withBroken, "broken.png");
    }

    @Test
    void manifestScaleThatContradictsTheGraphWritesNothing() throws Exception {
        Path folder = packageCopy("pkg");
        Path manifest = folder.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"scale\" : 2", "\"scale\" : 4"));
        assertFailsWritingNothing(folder, photos(), "the manifest says x4");
    }

    @Test
    void infiniteActivationWritesNothing() throws Exception {
        Path folder = packageCopy("pkg");
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(folder.resolve("x2.onnx")));
        ModelProto.Builder broken = model.toBuilder();
        for (TensorProto.Builder t : broken.getGraphBuilder().getInitializerBuilderList()) {
            if (t.getName().equals("conv0.bias")) {
                ByteBuffer raw = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                raw.putFloat(0, Float.POSITIVE_INFINITY);
                t.setRawData(ByteString.copyFrom(raw.array()));
            }
        }
        byte[] bytes = broken.build().toByteArray();
        Files.write(folder.resolve("x2.onnx"), bytes);
        Path manifest = folder.resolve("manifest.json");
        String text = Files.readString(manifest).replace("349302c6bdcb8e1f8ea062d3da6523be1a703d338af0a22852289fc12a2ba6d7",
                ModelPackage.sha256(bytes)).replace("\"bytes\" : 67831", "\"bytes\" : " + bytes.length);
        Files.writeString(manifest, text);
        // Infinity on the first frame; the state it leaves makes the input concat NaN from the second
        assertFailsWritingNothing(folder, photos(), "of the fp32 graph reaches NaN");
    }

    @Test
    void badArgumentsAndOtherPackages() throws Exception {
        List<String> images = photos();
        assertEquals(2, CliTestSupport.run("calibrate", dir.resolve("none").toString(), "--images", images.get(0))
                .code());
        Path folder = packageCopy("pkg");
        assertEquals(2, CliTestSupport.run("calibrate", folder.toString(), "--frames", "0", "--images",
                images.get(0)).code());
        CliTestSupport.Result noScale = CliTestSupport.run("calibrate", folder.toString(), "--scale", "4",
                "--images", images.get(0), images.get(1));
        assertEquals(1, noScale.code(), noScale::toString);
        assertTrue(noScale.err().contains("has no x4 graph"), noScale::toString);
        CliTestSupport.Result method = CliTestSupport.run("calibrate", folder.toString(), "--method", "max",
                "--images", images.get(0), images.get(1));
        assertEquals(2, method.code(), method::toString);
        assertTrue(method.err().contains("--method is for FlashVSR packages"), method::toString);
    }
}
