package dev.flashvsr.engine.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Precision;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {
    static final String VALID = """
            {"format": "flashvsr-model/1", "name": "m", "latencyFrames": 0,
             "graphs": [{"scale": 4, "file": "x4.onnx", "sha256": "%s",
                         "frameInput": "current", "previousInput": "previous", "frameOutput": "output",
                         "state": [{"input": "hidden", "output": "hidden_out", "channels": 4}]}]}
            """.formatted("0".repeat(64));

    static ModelManifest parse(String json) throws Exception {
        return ManifestReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    static String errorOf(String json) {
        return assertThrows(ManifestReader.InvalidManifestException.class, () -> parse(json)).getMessage();
    }

    @Test
    void readsAValidManifest() throws Exception {
        ModelManifest manifest = parse(VALID);
        assertEquals("m", manifest.name());
        assertTrue(manifest.neural());
        ModelManifest.Graph graph = manifest.graphFor(4).orElseThrow();
        assertEquals("previous", graph.previousInput().orElseThrow());
        assertEquals(4, graph.state().get(0).channels());
        assertEquals(0f, graph.state().get(0).initial());
        assertEquals(1, manifest.sizeMultiple());
    }

    @Test
    void namesTheFaultyField() {
        assertTrue(errorOf("{").contains("not valid JSON"));
        assertTrue(errorOf(VALID.replace("flashvsr-model/1", "other/2")).contains("'format'"));
        assertTrue(errorOf(VALID.replace("\"scale\": 4", "\"scale\": 3")).contains("graphs[0].scale"));
        assertTrue(errorOf(VALID.replace("x4.onnx", "../x4.onnx")).contains("graphs[0].file"));
        assertTrue(errorOf(VALID.replace("0".repeat(64), "abc")).contains("sha256"));
        assertTrue(errorOf(VALID.replace("\"channels\": 4", "\"channels\": 0")).contains("state[0].channels"));
        assertTrue(errorOf(VALID.replace("\"frameOutput\": \"output\",", "")).contains("frameOutput"));
        assertTrue(errorOf(VALID.replace("\"latencyFrames\": 0", "\"latencyFrames\": -1")).contains("latencyFrames"));
        assertTrue(errorOf("{\"format\": \"flashvsr-model/1\", \"name\": \"m\", \"graphs\": []}").contains("graphs"));
    }

    @Test
    void graphFileNamesArePlainRelativePathsAndSizesArePositive() throws Exception {
        String nul = errorOf(VALID.replace("x4.onnx", "x4\\u0000.onnx"));
        assertTrue(nul.contains("graphs[0].file must not contain control characters") && nul.contains("x4\\u0000.onnx"),
                nul);
        for (String bad : new String[] {"/etc/x4.onnx", "a/../x4.onnx", "./x4.onnx", "a//x4.onnx", "", "a\\\\b"}) {
            assertTrue(errorOf(VALID.replace("x4.onnx", bad)).contains("graphs[0].file"), bad);
        }
        assertEquals("sub/x4..onnx", parse(VALID.replace("x4.onnx", "sub/x4..onnx")).graphs().get(0).file());
        assertEquals(0, parse(VALID).graphs().get(0).bytes());
        assertEquals(1234, parse(VALID.replace("\"scale\": 4,", "\"scale\": 4, \"bytes\": 1234,")).graphs().get(0)
                .bytes());
        for (String bad : new String[] {"0", "-5", "1.5", "\"12\""}) {
            assertTrue(errorOf(VALID.replace("\"scale\": 4,", "\"scale\": 4, \"bytes\": " + bad + ","))
                    .contains("graphs[0].bytes must be a positive integer"), bad);
        }
    }

    /** VALID with a second graph for scale 4 in {@code precision}, in file {@code file}. */
    private static String withVariant(String precision, String file) {
        String graph = VALID.substring(VALID.indexOf("{\"scale\""), VALID.lastIndexOf("]}"));
        return VALID.replace("]}]}", "]}, " + graph.replace("\"scale\": 4,", "\"scale\": 4, \"precision\": \""
                + precision + "\",").replace("x4.onnx", file) + "]}");
    }

    @Test
    void graphsComePerScaleAndPrecisionWithFp32AsTheDefaultAndTheReference() throws Exception {
        ModelManifest manifest = parse(withVariant("int8", "x4-int8.onnx"));
        assertEquals(Precision.FP32, manifest.graphs().get(0).precision());
        assertEquals("x4-int8.onnx", manifest.graphFor(4, Precision.INT8).orElseThrow().file());
        assertEquals(List.of(Precision.FP32, Precision.INT8), List.copyOf(manifest.precisions(4)));
        assertTrue(manifest.graphFor(4, Precision.FP16).isEmpty());

        assertTrue(errorOf(withVariant("fp32", "x4-b.onnx")).contains("two graphs for scale 4 in precision fp32"));
        String unknown = errorOf(withVariant("int4", "x4-int4.onnx"));
        assertTrue(unknown.contains("graphs[1].precision must be one of fp32, fp16, bf16, int8, not 'int4'"), unknown);
        assertTrue(errorOf(withVariant("auto", "x4-auto.onnx")).contains("graphs[1].precision"));
        String noReference = errorOf(withVariant("fp16", "x4-fp16.onnx").replaceFirst("\"scale\": 4,",
                "\"scale\": 4, \"precision\": \"int8\","));
        assertTrue(noReference.contains("scale 4 has an int8 graph but no fp32 one"), noReference);
    }
}
