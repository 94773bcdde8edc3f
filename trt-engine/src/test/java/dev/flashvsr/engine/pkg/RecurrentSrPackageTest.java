package dev.flashvsr.engine.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building a package from weights: sizes recorded in the manifest, non-finite weights refused. */
class RecurrentSrPackageTest {
    private static final Path WEIGHTS = Path.of("..", "models", "vsr-small", "weights-x2.safetensors");

    @TempDir
    Path dir;

    @Test
    void theManifestRecordsEachGraphsSize() throws Exception {
        Path out = dir.resolve("pkg");
        RecurrentSrPackage.write(out, "p", "", List.of(WEIGHTS), null);
        ModelPackage pkg = ModelPackage.load(out);
        assertEquals(Files.size(out.resolve("x2.onnx")), pkg.manifest().graphFor(2).orElseThrow().bytes());
    }

    @Test
    void weightsHoldingNaNOrInfinityAreRefusedNamingTheTensor() throws Exception {
        Map<String, FloatTensor> weights = new LinkedHashMap<>(SafeTensors.readAll(WEIGHTS));
        weights.get("conv1.weight").data()[3] = Float.NaN;
        Path file = dir.resolve("diverged.safetensors");
        SafeTensors.write(file, weights, Map.of());
        Path out = dir.resolve("pkg");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentSrPackage.write(out, "p", "", List.of(file), null));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("tensor 'conv1.weight'")
                && e.getMessage().contains("non-finite value"), e.getMessage());
        assertFalse(Files.exists(out.resolve("x2.onnx")));
    }
}
