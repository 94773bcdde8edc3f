package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.tensorrt.runtime.ShapeRange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineKeyTest {
    private static final EngineKey BASE = TestKeys.key();

    /** A copy of BASE with the fields a mutation sets. */
    private static final class Fields {
        String name = BASE.name();
        String sha = BASE.graphSha256();
        String trt = BASE.tensorRtVersion();
        String gpu = BASE.gpuName();
        String cc = BASE.computeCapability();
        Precision precision = BASE.precision();
        SortedMap<String, ShapeRange> shapes = new TreeMap<>(BASE.inputShapes());
        long workspace = BASE.workspaceBytes();
        SortedMap<String, String> options = new TreeMap<>(BASE.builderOptions());

        EngineKey key() {
            return new EngineKey(name, sha, trt, gpu, cc, precision, shapes, workspace, options);
        }
    }

    private static EngineKey with(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields();
        change.accept(f);
        return f.key();
    }

    @Test
    void theFileNameIsReadableStableAndFilesystemSafe() {
        String name = BASE.fileName();
        assertTrue(name.matches("vsr-small-x2-fp16-sm89-[0-9a-f]{32}\\.engine"), name);
        assertEquals(name, TestKeys.key().fileName());
        // pinned: a change to the canonical text orphans every user's cached engines, so make it on purpose
        assertEquals("vsr-small-x2-fp16-sm89-251aebd2dbf3d4009d67cb4dbcb1f0b6.engine", name);
        assertEquals("""
                flashvsr-trt-engine-key/1
                name=vsr-small-x2
                graph-sha256=%s
                tensorrt=10.15.1
                gpu=NVIDIA GeForce RTX 4090
                compute-capability=8.9
                precision=fp16
                workspace-bytes=1073741824
                input lr=1x3x64x64/1x3x360x640/1x3x720x1280
                option timing-cache=on
                """.formatted(TestKeys.GRAPH_SHA), BASE.canonicalText());
        String odd = with(f -> f.name = "../My Model/Ä x2").fileName();
        assertTrue(odd.matches("[a-z0-9][a-z0-9._-]*\\.engine"), odd);
        String longName = with(f -> f.name = "m".repeat(300)).fileName();
        assertTrue(longName.length() < 100, longName);
    }

    @Test
    void everyFieldChangesTheFileName() {
        List<UnaryOperator<Fields>> changes = List.of(
                f -> { f.name = "vsr-small-fast-x2"; return f; },
                f -> { f.sha = EngineKey.sha256Hex("other graph"); return f; },
                f -> { f.trt = "10.15.2"; return f; },
                f -> { f.gpu = "NVIDIA GeForce RTX 4080"; return f; },
                f -> { f.cc = "8.6"; return f; },
                f -> { f.precision = Precision.INT8; return f; },
                f -> { f.shapes.put("lr", new ShapeRange(new long[] {1, 3, 32, 64}, new long[] {1, 3, 360, 640},
                        new long[] {1, 3, 720, 1280})); return f; },
                f -> { f.shapes.put("lr", new ShapeRange(new long[] {1, 3, 64, 64}, new long[] {1, 3, 360, 648},
                        new long[] {1, 3, 720, 1280})); return f; },
                f -> { f.shapes.put("lr", new ShapeRange(new long[] {1, 3, 64, 64}, new long[] {1, 3, 360, 640},
                        new long[] {1, 3, 1080, 1920})); return f; },
                f -> { f.shapes.put("state", ShapeRange.fixed(1, 16, 360, 640)); return f; },
                f -> { f.workspace = 2L << 30; return f; },
                f -> { f.options.put("timing-cache", "off"); return f; },
                f -> { f.options.put("builder-optimization-level", "5"); return f; });
        Map<String, Integer> names = new HashMap<>();
        names.put(BASE.fileName(), -1);
        for (int i = 0; i < changes.size(); i++) {
            UnaryOperator<Fields> change = changes.get(i);
            EngineKey changed = change.apply(new Fields()).key();
            assertNotEquals(BASE, changed, "change " + i);
            Integer clash = names.put(changed.fileName(), i);
            assertEquals(null, clash, "change " + i + " gives the same file name as " + clash);
        }
    }

    @Test
    void optionOrderDoesNotMatterButTheirTextDoes() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("a", "1");
        forward.put("b", "2");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("b", "2");
        backward.put("a", "1");
        assertEquals(with(f -> f.options = new TreeMap<>(forward)).fileName(),
                new EngineKey(BASE.name(), BASE.graphSha256(), BASE.tensorRtVersion(), BASE.gpuName(),
                        BASE.computeCapability(), BASE.precision(), BASE.inputShapes(), BASE.workspaceBytes(),
                        new TreeMap<>(backward)).fileName());
        // escaping keeps '=' inside a name or value from moving the boundary between them
        assertNotEquals(with(f -> f.options = new TreeMap<>(Map.of("a=b", "c"))).fileName(),
                with(f -> f.options = new TreeMap<>(Map.of("a", "b=c"))).fileName());
        assertNotEquals(with(f -> f.options = new TreeMap<>(Map.of("a", "1\noption b=2"))).fileName(),
                with(f -> f.options = new TreeMap<>(Map.of("a", "1", "b", "2"))).fileName());
    }

    @Test
    void describeNamesWhatMatters() {
        String line = BASE.describe();
        for (String part : List.of("vsr-small-x2", "fp16", "NVIDIA GeForce RTX 4090", "8.9", "10.15.1",
                "lr 1x3x64x64..1x3x360x640..1x3x720x1280", "1073741824", "timing-cache", BASE.graphSha256().substring(0, 12))) {
            assertTrue(line.contains(part), part + " missing from: " + line);
        }
        assertTrue(!line.contains("\n"), line);
    }

    @Test
    void invalidFieldsAreRefusedWithTheFieldNamed() {
        assertMessage("precision AUTO", () -> with(f -> f.precision = Precision.AUTO));
        assertMessage("graphSha256", () -> with(f -> f.sha = "ABC"));
        assertMessage("computeCapability '89'", () -> with(f -> f.cc = "89"));
        assertMessage("no input shapes", () -> with(f -> f.shapes = new TreeMap<>()));
        assertMessage("gpuName is empty", () -> with(f -> f.gpu = " "));
        assertMessage("workspaceBytes -1", () -> with(f -> f.workspace = -1));
        assertMessage("builder option b has no value", () -> with(f -> f.options.put("b", null)));
        assertMessage("axis 2 needs 1 <= min <= opt <= max", () -> new ShapeRange(new long[] {1, 3, 64},
                new long[] {1, 3, 32}, new long[] {1, 3, 128}));
        assertMessage("same rank", () -> new ShapeRange(new long[] {1, 3}, new long[] {1, 3, 32}, new long[] {1, 3, 32}));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void theGraphDigestCoversTheGraphAndItsExternalData(@TempDir Path dir) throws Exception {
        Path graph = Files.write(dir.resolve("model.onnx"), new byte[] {1, 2, 3});
        Path weightsA = Files.write(dir.resolve("a.bin"), new byte[] {4, 5});
        Path weightsB = Files.write(dir.resolve("b.bin"), new byte[] {6});
        String base = GraphDigest.sha256(graph, List.of(weightsA, weightsB));
        assertTrue(base.matches("[0-9a-f]{64}"), base);
        assertEquals(base, GraphDigest.sha256(graph, List.of(weightsB, weightsA)), "order of the list");
        assertNotEquals(base, GraphDigest.sha256(graph, List.of()), "without external data");
        // the same bytes split differently between the files
        Files.write(weightsA, new byte[] {4});
        Files.write(weightsB, new byte[] {5, 6});
        assertNotEquals(base, GraphDigest.sha256(graph, List.of(weightsA, weightsB)), "bytes moved between files");
        Files.write(weightsA, new byte[] {4, 5});
        Files.write(weightsB, new byte[] {6});
        assertEquals(base, GraphDigest.sha256(graph, List.of(weightsA, weightsB)));
        Path renamed = Files.move(weightsB, dir.resolve("c.bin"));
        assertNotEquals(base, GraphDigest.sha256(graph, List.of(weightsA, renamed)), "renamed external file");
        Files.write(graph, new byte[] {1, 2, 4});
        assertNotEquals(base, GraphDigest.sha256(graph, List.of(weightsA, dir.resolve("c.bin"))), "graph byte");
    }
}
