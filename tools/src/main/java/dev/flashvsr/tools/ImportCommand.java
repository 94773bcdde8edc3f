package dev.flashvsr.tools;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--export-onnx", paramLabel = "WxH", split = ",",
            description = "Also write the ONNX graphs for these model frame sizes (output pixels, multiples of"
                    + " 128, e.g. 1280x768) into OUT/onnx/WxH/, DiT weights as external data (for other runtimes;"
                    + " the CPU backend builds its graphs itself).")
    List<String> exportSizes = List.of();

    @Override
    public Integer call() {
        if (!Files.isDirectory(release)) {
            throw CliException.usage("release folder not found: " + release);
        }
        if (localRange < 0 || sparseRatio < 0 || (topkRatio != null && topkRatio <= 0)) {
            throw CliException.usage("--local-range, --sparse-ratio and --topk-ratio must be positive");
        }
        List<int[]> sizes = new java.util.ArrayList<>();
        for (String size : exportSizes) {
            String[] wh = size.split("x");
            if (wh.length != 2 || !wh[0].matches("\\d{1,5}") || !wh[1].matches("\\d{1,5}")) {
                throw CliException.usage("--export-onnx needs WxH, not " + size);
            }
            sizes.add(new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])});
        }
        PrintWriter log = spec.commandLine().getOut();
        String packageName = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
        java.util.function.Consumer<String> progress = line -> {
            log.println(line);
            log.flush();
        };
        try {
            FlashVsrImport.run(release, out, new FlashVsrImport.Settings(packageName, dense, localRange, sparseRatio,
                    topkRatio), progress);
            for (int[] wh : sizes) {
                FlashVsrImport.exportGraphs(out, wh[0], wh[1], progress);
            }
        } catch (EngineException e) {
            throw CliException.failure(e.describe());
        }
        return FlashVsrCli.EXIT_OK;
    }
}
