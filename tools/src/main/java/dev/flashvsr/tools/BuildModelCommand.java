package dev.flashvsr.tools;

import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.pkg.RecurrentSrPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flashvsr build-model}: turns trained weights of the default network into a model
 * package (ONNX graphs built in Java plus manifest.json with checksums).
 */
@Command(name = "build-model", mixinStandardHelpOptions = true,
        description = {"Build a model package from RecurrentSr weights (safetensors), one graph per file.",
                "The architecture (scale, width, depth, hidden channels) is read off the weight shapes."})
final class BuildModelCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Package directory to write.")
    Path out;

    @Option(names = "--name", required = true, description = "Model name recorded in the manifest.")
    String name;

    @Option(names = "--description", defaultValue = "", description = "One line describing the model.")
    String description;

    @Option(names = "--motion-smoothing", description = {"Smooth each graph's output over time along the motion "
            + "measured between frames (less flicker; about twice the graph's time on the CPU; see MotionSmoothing)."})
    boolean motionSmoothing;

    @Parameters(arity = "1..*", paramLabel = "WEIGHTS", description = "safetensors files, one per scale.")
    List<Path> weights;

    @Override
    public Integer call() throws IOException {
        for (Path file : weights) {
            if (!Files.isRegularFile(file)) {
                throw CliException.usage("weights file not found: " + file);
            }
        }
        RecurrentSrPackage.write(out, name, description, weights, motionSmoothing ? MotionSmoothing.DEFAULT : null);
        System.out.println("wrote model package " + out.toAbsolutePath());
        return 0;
    }
}
