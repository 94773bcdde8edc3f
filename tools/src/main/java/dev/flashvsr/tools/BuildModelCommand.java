package dev.flashvsr.tools;

import dev.flashvsr.engine.model.MotionSmoothing;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.onnx.RecurrentSrGraph;
import dev.flashvsr.engine.pkg.RecurrentSrPackage;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr build-model}: turns trained weights of the default network into a model
 * package (ONNX graphs built in Java plus manifest.json with checksums).
 */
@Command(name = "build-model", mixinStandardHelpOptions = true,
        description = {"Build a model package from RecurrentSr weights (safetensors), one graph per file.",
                "The architecture (scale, width, depth, hidden channels) is read off the weight shapes.",
                "Every weights file is checked before anything is written. The package is",
                "built in a hidden folder beside --out and moved into place when complete:",
                "a new --out is renamed from it; in an existing --out (e.g. the one holding",
                "the weights) manifest.json and the graphs replace their namesakes and",
                "other files stay. A failure or Ctrl-C leaves --out as it was."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the package could not be written", "2:bad arguments or unusable weights",
                "130:interrupted (Ctrl-C); nothing was written"})
final class BuildModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Package folder to write; its parent folder must exist.")
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
    public Integer call() {
        Map<Integer, Path> byScale = new HashMap<>();
        for (Path file : weights) {
            RecurrentSrArchitecture arch = checkWeights(file);
            Path other = byScale.putIfAbsent(arch.scale(), file);
            if (other != null) {
                throw CliException.usage("weights files '" + other + "' and '" + file + "' are both for x"
                        + arch.scale() + "; give one file per scale");
            }
        }
        Path destination = OutputPaths.newOrExistingFolder(out, "--out");
        int code = InterruptibleWrite.run(destination, true, spec.commandLine().getErr(),
                target -> RecurrentSrPackage.write(target, name, description, weights,
                        motionSmoothing ? MotionSmoothing.DEFAULT : null));
        if (code == FlashVsrCli.EXIT_OK) {
            spec.commandLine().getOut().println("wrote model package " + destination);
        }
        return code;
    }

    /** Reads and checks one weights file; returns the architecture its shapes describe. */
    private RecurrentSrArchitecture checkWeights(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.usage("weights file not found: " + file);
        }
        try {
            Map<String, FloatTensor> tensors = SafeTensors.readAll(file);
            RecurrentSrArchitecture arch = RecurrentSrPackage.architectureOf(tensors);
            RecurrentSrGraph.validate(arch, tensors);
            if (motionSmoothing && arch.temporalGate()) {
                throw new IllegalArgumentException("--motion-smoothing is for networks without a temporal gate");
            }
            return arch;
        } catch (IOException | IllegalArgumentException e) {
            String reason = ErrorText.describe(e);
            // SafeTensors' messages already start with the file's name.
            throw CliException.usage(reason.startsWith(file.toString()) ? reason
                    : "weights file '" + file + "': " + reason);
        }
    }
}
