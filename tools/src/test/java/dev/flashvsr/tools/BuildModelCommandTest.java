package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvsr build-model} with the shipped weights and with bad ones: messages, exit codes, what is left. */
class BuildModelCommandTest {
    private static final Path WEIGHTS_X4 = Path.of("..", "models", "vsr-small", "weights-x4.safetensors")
            .toAbsolutePath().normalize();
    private static final Path WEIGHTS_X2 = WEIGHTS_X4.resolveSibling("weights-x2.safetensors");

    @TempDir
    Path dir;

    private CliTestSupport.Result buildModel(Path out, Path... weights) {
        String[] args = new String[4 + weights.length];
        args[0] = "build-model";
        args[1] = "--out=" + out;
        args[2] = "--name";
        args[3] = "test";
        for (int i = 0; i < weights.length; i++) {
            args[4 + i] = weights[i].toString();
        }
        return CliTestSupport.run(args);
    }

    /** A bad input ends in one line naming the file, with no stack trace, and nothing written. */
    private void assertRefused(CliTestSupport.Result r, int code, String named) throws IOException {
        assertEquals(code, r.code(), r::toString);
        assertTrue(r.err().startsWith("flashvsr: error: "), r::toString);
        assertEquals(1, r.err().strip().lines().count(), () -> "one line, no stack trace: " + r);
        assertTrue(r.err().contains(named), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void buildsANewPackageAndLeavesNothingElse() throws IOException {
        Path out = dir.resolve("pkg");
        CliTestSupport.Result r = buildModel(out, WEIGHTS_X2, WEIGHTS_X4);
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("manifest.json", "x2.onnx", "x4.onnx"), StagedOutputTest.entries(out));
        assertEquals(List.of("pkg"), StagedOutputTest.entries(dir));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("test", manifest.path("name").asText());
        assertEquals(2, manifest.path("graphs").size());
    }

    /** As TRAINING.md does it: the package folder also holds the weights, which stay. */
    @Test
    void rebuildsInAFolderThatHoldsOtherFiles() throws IOException {
        Path out = Files.createDirectories(dir.resolve("vsr-small"));
        Path weights = Files.copy(WEIGHTS_X4, out.resolve("weights-x4.safetensors"));
        Files.writeString(out.resolve("manifest.json"), "old");
        Files.writeString(out.resolve("TRAINING.md"), "notes");
        CliTestSupport.Result r = buildModel(out, weights);
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("TRAINING.md", "manifest.json", "weights-x4.safetensors", "x4.onnx"),
                StagedOutputTest.entries(out));
        assertArrayEquals(Files.readAllBytes(WEIGHTS_X4), Files.readAllBytes(weights));
        assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"name\" : \"test\""));
        assertEquals(List.of("vsr-small"), StagedOutputTest.entries(dir));
    }

    @Test
    void missingWeightsFile() throws IOException {
        Path missing = dir.resolve("missing.safetensors");
        assertRefused(buildModel(dir.resolve("pkg"), missing), FlashVsrCli.EXIT_USAGE, missing.toString());
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    @Test
    void fileThatIsNotSafetensors() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.safetensors"), "hello");
        assertRefused(buildModel(dir.resolve("pkg"), text), FlashVsrCli.EXIT_USAGE, text.toString());
        assertEquals(List.of("notes.safetensors"), StagedOutputTest.entries(dir));
    }

    @Test
    void weightsThatFitNoArchitecture() throws IOException {
        Path odd = dir.resolve("odd.safetensors");
        SafeTensors.write(odd, Map.of("conv0.weight", FloatTensor.of(new float[4], 2, 2)), Map.of());
        CliTestSupport.Result r = buildModel(dir.resolve("pkg"), odd);
        assertRefused(r, FlashVsrCli.EXIT_USAGE, "weights file '" + odd + "'");
        assertEquals(List.of("odd.safetensors"), StagedOutputTest.entries(dir));
    }

    @Test
    void weightsWithNaN() throws IOException {
        Map<String, FloatTensor> weights = new TreeMap<>(SafeTensors.readAll(WEIGHTS_X4));
        FloatTensor conv2 = weights.get("conv2.weight");
        float[] data = conv2.data().clone();
        data[7] = Float.NaN;
        weights.put("conv2.weight", new FloatTensor(conv2.shape(), data));
        Path poisoned = dir.resolve("nan.safetensors");
        SafeTensors.write(poisoned, weights, Map.of());
        assertRefused(buildModel(dir.resolve("pkg"), poisoned), FlashVsrCli.EXIT_USAGE, "conv2.weight");
        assertEquals(List.of("nan.safetensors"), StagedOutputTest.entries(dir));
    }

    @Test
    void twoFilesForOneScale() throws IOException {
        assertRefused(buildModel(dir.resolve("pkg"), WEIGHTS_X4, WEIGHTS_X4), FlashVsrCli.EXIT_USAGE,
                "are both for x4");
        assertEquals(List.of(), StagedOutputTest.entries(dir));
    }

    @Test
    void outputInsideAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertRefused(buildModel(file.resolve("pkg"), WEIGHTS_X4), FlashVsrCli.EXIT_USAGE, file.toString());
        assertRefused(buildModel(file, WEIGHTS_X4), FlashVsrCli.EXIT_USAGE, "is a file, not a folder");
        assertEquals("x", Files.readString(file));
        assertEquals(List.of("file"), StagedOutputTest.entries(dir));
    }

    /** /proc takes no new folders, whoever runs the test (root included): the write itself fails. */
    @Test
    void outputFolderThatCannotBeWritten() throws IOException {
        Path out = Path.of("/proc/flashvsr-test-package");
        CliTestSupport.Result r = buildModel(out, WEIGHTS_X4);
        assertTrue(r.code() == FlashVsrCli.EXIT_FAILURE || r.code() == FlashVsrCli.EXIT_USAGE, r::toString);
        assertRefused(r, r.code(), "/proc");
        assertFalse(Files.exists(out));
    }
}
