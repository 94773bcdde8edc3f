package dev.flashvsr.tools;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr import}: a folder laid out like the official FlashVSR v1.1 release becomes a
 * model package that {@code flashvsrfilter model=DIR} runs.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a FlashVSR release folder (diffusion_pytorch_model_streaming_dmd.safetensors,",
                "LQ_proj_in.ckpt, TCDecoder.ckpt, posi_prompt.pth, optional config.json) as a model package.",
                "Every file and tensor is checked first; checkpoints are read by a restricted reader that",
                "never executes anything. Then: flashvsrfilter model=OUT (or flashvsr upscale --model OUT)."})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RELEASE", description = "Folder with the official release files.")
    Path release;

    @Parameters(index = "1", paramLabel = "OUT", description = "Package folder to create (must not exist).")
    Path out;

    @Option(names = "--name", description = "Model name recorded in the manifest (default: the folder's name).")
    String name;

    @Option(names = "--dense", description = "Dense attention instead of LCSA (sparse).")
    boolean dense;

    @Option(names = "--local-range", paramLabel = "R", defaultValue = "0",
            description = "LCSA window in blocks (default: the config's, 11 for v1.1).")
    int localRange;

    @Option(names = "--sparse-ratio", paramLabel = "S", defaultValue = "0",
            description = "LCSA sparse ratio (default: the config's, 2.0); top-k ratio = S*768*1280/(H*W).")
    double sparseRatio;

    @Option(names = "--topk-ratio", paramLabel = "K",
            description = "Fixed LCSA top-k ratio for every frame size, instead of the sparse-ratio rule.")
    Double topkRatio;

    @Override
    public Integer call() {
        if (!Files.isDirectory(release)) {
            throw CliException.usage("release folder not found: " + release);
        }
        if (localRange < 0 || sparseRatio < 0 || (topkRatio != null && topkRatio <= 0)) {
            throw CliException.usage("--local-range, --sparse-ratio and --topk-ratio must be positive");
        }
        PrintWriter log = spec.commandLine().getOut();
        String packageName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        try {
            FlashVsrImport.run(release, out, new FlashVsrImport.Settings(packageName, dense, localRange, sparseRatio,
                    topkRatio), line -> {
                        log.println(line);
                        log.flush();
                    });
        } catch (EngineException e) {
            throw CliException.failure(e.describe());
        }
        return FlashVsrCli.EXIT_OK;
    }
}
