package dev.flashvsr.engine.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.flashvsr.engine.model.MotionSmoothing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graphs in models/ are what this code builds from the shipped weights (TRAINING.md's commands). */
class ShippedPackagesTest {
    private static final Path MODELS = Path.of("..", "models");

    @Test
    void shippedGraphsEqualAFreshBuild(@TempDir Path dir) throws Exception {
        List<Path> weights = List.of(MODELS.resolve("vsr-small/weights-x2.safetensors"),
                MODELS.resolve("vsr-small/weights-x4.safetensors"));
        check(dir.resolve("smoothed"), "vsr-small", weights, MotionSmoothing.DEFAULT);
        check(dir.resolve("fast"), "vsr-small-fast", weights, null);
    }

    private static void check(Path out, String name, List<Path> weights, MotionSmoothing smoothing) throws Exception {
        RecurrentSrPackage.write(out, name, "", weights, smoothing);
        for (String graph : new String[] {"x2.onnx", "x4.onnx"}) {
            assertArrayEquals(Files.readAllBytes(out.resolve(graph)), Files.readAllBytes(MODELS.resolve(name).resolve(graph)),
                    name + "/" + graph + " differs from a fresh build: rebuild it with the command in "
                            + "models/vsr-small/TRAINING.md");
        }
    }
}
