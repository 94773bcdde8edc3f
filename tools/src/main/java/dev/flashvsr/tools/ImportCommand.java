package dev.flashvsr.tools;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.AttentionLimits;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import dev.flashvsr.engine.flashvsr.FlashVsrModel;
import dev.flashvsr.engine.flashvsr.link.FilePlacement;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;
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
    /** Model frames up to 8192 pixels a side (8K output is 7680x4352). */
    static final int MAX_EXPORT_SIDE = 8192;
    private static final int EXPORT_MULTIPLE = 128;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RELEASE", description = "Folder with the official release files.")
    Path release;

    @Parameters(index = "1", paramLabel = "OUT", description = "Package folder to create: it must not exist, its"
            + " parent folder must. Built in a hidden folder beside it (.OUT.flashvsr-XXXXXXXX.part/) and renamed"
            + " to OUT when complete; a failure or Ctrl-C leaves nothing.")
    Path out;

    @Option(names = "--name", description = "Model name recorded in the manifest (default: the folder's name).")
    String name;

    @Option(names = "--link", description = "Put each release file into OUT as a hard link when both are on one"
            + " filesystem, else as a reflink (copy-on-write clone, e.g. Btrfs, XFS), else as a copy; no second"
            + " copy of the 6.4 GB. A hard-linked package shares the release's files: a file changed in place"
            + " later is refused when the package opens (re-import then).")
    boolean link;

    @Option(names = "--dense", description = "Dense attention instead of LCSA (sparse).")
    boolean dense;

    @Option(names = "--local-range", paramLabel = "R",
            description = "LCSA window in blocks, 1-" + AttentionLimits.MAX_LOCAL_RANGE
                    + " (default: the config's, 11 for v1.1).")
    Integer localRange;

    @Option(names = "--sparse-ratio", paramLabel = "S",
            description = "LCSA sparse ratio, > 0 (default: the config's, 2.0); top-k ratio = S*768*1280/(H*W).")
    Double sparseRatio;

    @Option(names = "--topk-ratio", paramLabel = "K",
            description = "Fixed LCSA top-k ratio (> 0) for every frame size, instead of the sparse-ratio rule.")
    Double topkRatio;

    @Option(names = "--export-onnx", paramLabel = "WxH", split = ",",
            description = "Also write the ONNX graphs for these model frame sizes (output pixels, multiples of"
                    + " 128 up to " + MAX_EXPORT_SIDE + ", e.g. 1280x768) into OUT/onnx/WxH/, DiT"
                    + " weights as external data (for other runtimes; the CPU backend builds its graphs itself).")
    List<String> exportSizes = List.of();

    @Option(names = "--prepare", paramLabel = "WxH", split = ",",
            description = "Also build the graphs for streams of these output frame sizes (e.g. 1280x720; up to "
                    + MAX_EXPORT_SIDE + " a side) into the package's graph cache (OUT/cache, or"
                    + " $FLASHVSR_CACHE_DIR), so that the first stream of each size starts without building them"
                    + " (minutes at real size).")
    List<String> prepareSizes = List.of();

    @Override
    public Integer call() {
        if (!Files.isDirectory(release)) {
            throw CliException.usage("release folder not found: " + release);
        }
        try {
            new FlashVsrImport.Settings(name, dense, localRange, sparseRatio, topkRatio).check();
        } catch (EngineException e) {
            throw CliException.usage(e.getMessage());
        }
        List<int[]> sizes = exportSizes();
        List<int[]> prepared = prepareSizes();
        Path destination = OutputPaths.newFolder(out, "OUT");
        FlashVsrImport.Settings settings = new FlashVsrImport.Settings(
                name != null ? name : destination.getFileName().toString(), dense, localRange, sparseRatio, topkRatio);
        PrintWriter log = spec.commandLine().getOut();
        int code = InterruptibleWrite.run(destination, false, spec.commandLine().getErr(), target -> {
            // Messages name the package where it will be, not the temporary folder it is built in, and
            // "wrote" is said once it is there.
            UnaryOperator<String> named = text -> text.replace(target.toString(), destination.toString());
            Consumer<String> progress = line -> {
                if (!line.equals("wrote " + target)) {
                    log.println(named.apply(line));
                    log.flush();
                }
            };
            try {
                FlashVsrImport.run(release, target, settings,
                        link ? FilePlacement.linkOrCopy() : FilePlacement.copy(), progress);
                for (int[] wh : sizes) {
                    FlashVsrImport.exportGraphs(target, wh[0], wh[1], progress);
                }
                for (int[] wh : prepared) {
                    progress.accept("preparing the graphs for " + wh[0] + "x" + wh[1] + " output");
                    String model = FlashVsrModel.prepare(target, wh[0], wh[1], new PrintedSteps(progress));
                    progress.accept("  prepared " + model + " model frames");
                }
            } catch (EngineException e) {
                throw CliException.failure(named.apply(e.describe()));
            }
        });
        if (code == FlashVsrCli.EXIT_OK) {
            log.println("wrote " + destination);
            log.flush();
        }
        return code;
    }

    /** Open steps as indented progress lines, each step once. */
    private record PrintedSteps(Consumer<String> lines) implements OpenProgress {
        @Override
        public void report(String step, double fraction) {
            lines.accept("  " + step);
        }

        @Override
        public void warning(String message) {
            lines.accept("  warning: " + message);
        }
    }

    /** The --prepare sizes as {width, height}, each checked, duplicates dropped. */
    private List<int[]> prepareSizes() {
        return sizes(prepareSizes, "--prepare", side -> side > 0 && side <= MAX_EXPORT_SIDE,
                "must be WxH, output frame width and height from 1 to " + MAX_EXPORT_SIDE + ", e.g. 1280x720");
    }

    /** The --export-onnx sizes as {width, height}, each checked, duplicates dropped. */
    private List<int[]> exportSizes() {
        return sizes(exportSizes, "--export-onnx", ImportCommand::isExportSide, "must be WxH with width and height"
                + " multiples of " + EXPORT_MULTIPLE + " from " + EXPORT_MULTIPLE + " to " + MAX_EXPORT_SIDE
                + ", e.g. 1280x768 for 1280x720 output");
    }

    /** {@code values} of {@code option} as {width, height}, each side passing {@code sideOk}, duplicates dropped. */
    private static List<int[]> sizes(List<String> values, String option, IntPredicate sideOk, String rule) {
        List<int[]> sizes = new ArrayList<>();
        for (String size : new LinkedHashSet<>(values)) {
            String[] wh = size.split("x", -1);
            if (wh.length != 2 || !wh[0].matches("\\d{1,5}") || !wh[1].matches("\\d{1,5}")
                    || !sideOk.test(Integer.parseInt(wh[0])) || !sideOk.test(Integer.parseInt(wh[1]))) {
                throw CliException.usage(option + " size '" + size + "' " + rule);
            }
            sizes.add(new int[] {Integer.parseInt(wh[0]), Integer.parseInt(wh[1])});
        }
        return sizes;
    }

    private static boolean isExportSide(int side) {
        return side > 0 && side <= MAX_EXPORT_SIDE && side % EXPORT_MULTIPLE == 0;
    }
}
