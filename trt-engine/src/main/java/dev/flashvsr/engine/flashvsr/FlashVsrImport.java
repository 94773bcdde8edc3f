package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.flashvsr.link.FilePlacement;
import dev.flashvsr.engine.flashvsr.link.FileRecord;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a folder laid out like the official FlashVSR release into a model package: the folder is
 * validated completely first (every file, tensor and shape, config.json against the weights, the
 * checkpoints through the restricted reader), then its files are copied (or linked, see
 * {@link FilePlacement}) and the manifest written with a record of each ({@link PackageFiles}).
 */
public final class FlashVsrImport {

    /**
     * Attention settings of the package.
     *
     * @param dense      dense attention instead of LCSA
     * @param localRange LCSA window, or null for the config's
     * @param sparseRatio LCSA sparse ratio, or null for the config's
     * @param topkRatio  fixed LCSA top-k ratio, or null for upstream's rule from the sparse ratio
     */
    public record Settings(String name, boolean dense, Integer localRange, Double sparseRatio, Double topkRatio) {

        /** Each value given is in the range the graphs take; the message names the option. */
        public void check() throws EngineException {
            if (localRange != null) {
                AttentionLimits.checkLocalRange(localRange, "--local-range");
            }
            if (sparseRatio != null) {
                AttentionLimits.checkRatio(sparseRatio, "--sparse-ratio");
            }
            if (topkRatio != null) {
                AttentionLimits.checkRatio(topkRatio, "--topk-ratio");
            }
        }
    }

    private FlashVsrImport() {
    }

    /** Imports {@code release} into the new folder {@code out}, copying its files. */
    public static void run(Path release, Path out, Settings settings, Consumer<String> progress)
            throws EngineException {
        run(release, out, settings, FilePlacement.copy(), progress);
    }

    /**
     * Imports {@code release} into the new folder {@code out}; {@code progress} gets one line per
     * step.
     *
     * @param placements the ways to put each release file into the package, tried in order (see
     *                   {@link FilePlacement#linkOrCopy()}); the last one must always be possible
     */
    public static void run(Path release, Path out, Settings settings, List<FilePlacement> placements,
            Consumer<String> progress) throws EngineException {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new EngineException(out + " already exists", "Choose a new output folder");
        }
        settings.check();
        FlashVsrConfig.Streaming streaming;
        progress.accept("validating " + release);
        try (FlashVsrRelease validated = FlashVsrRelease.open(release)) {
            streaming = validated.config().streaming();
            FlashVsrConfig.Dit d = validated.config().dit();
            progress.accept(String.format(java.util.Locale.ROOT, "  DiT: dim %d, %d layers, %d heads; projector %s",
                    d.dim(), d.numLayers(), d.numHeads(), validated.config().lqProj().variant()));
        } catch (IOException e) {
            throw new EngineException("cannot close " + release + ": " + e.getMessage(), null, e);
        }
        try {
            Files.createDirectories(out);
            List<FileRecord> records = new ArrayList<>();
            for (String file : PackageFiles.NAMES) {
                Path from = release.resolve(file);
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    // The file itself, not a link to it: download caches link into blob stores.
                    records.add(place(ModelFiles.regularFile(from), out.resolve(file), placements, progress));
                }
            }
            FlashVsrPackage.writeManifest(out, settings.name(),
                    "FlashVSR imported from " + release.toAbsolutePath().normalize(), settings.dense(),
                    settings.localRange() != null ? settings.localRange() : streaming.localRange(),
                    settings.sparseRatio() != null ? settings.sparseRatio() : streaming.sparseRatio(),
                    settings.topkRatio(), records);
        } catch (IOException e) {
            throw new EngineException("cannot write the package " + out + ": " + e.getMessage(),
                    "Check free space and permissions", e);
        }
        progress.accept("checking the written package");
        FlashVsrPackage.open(out, false).close(); // its values were scanned in the release
        progress.accept("wrote " + out);
    }

    /**
     * Writes the package's ONNX graphs for model frames of {@code width x height} (output pixels,
     * multiples of 128) into {@code <package>/onnx/<width>x<height>/}, with the DiT's weights as
     * external data. The CPU backend builds its graphs in memory and does not need them; they are
     * for other runtimes.
     */
    public static Path exportGraphs(Path packageDir, int width, int height, Consumer<String> progress)
            throws EngineException {
        return exportGraphs(packageDir, width, height, Precision.FP32, progress);
    }

    /**
     * As {@link #exportGraphs(Path, int, int, Consumer)}, the graphs of {@code precision} (fp32,
     * fp16, bf16, or int8 for a calibrated package), into {@code <width>x<height>} for fp32 and
     * {@code <width>x<height>-<precision>} for the others.
     */
    public static Path exportGraphs(Path packageDir, int width, int height, Precision precision,
            Consumer<String> progress) throws EngineException {
        if (width <= 0 || height <= 0 || width % 128 != 0 || height % 128 != 0) {
            throw new EngineException("graph size " + width + "x" + height + " is not a multiple of 128 on both sides",
                    "Give the model frame size, e.g. 1280x768 for 1280x720 output");
        }
        Path folder = packageDir.resolve("onnx").resolve(width + "x" + height
                + (precision == Precision.FP32 ? "" : "-" + precision.nick()));
        try (FlashVsrPackage pkg = FlashVsrPackage.open(packageDir)) {
            if (precision == Precision.INT8 && pkg.int8Scales().isEmpty()) {
                throw new EngineException("package " + packageDir + " has no int8 scales, so it has no int8 graphs",
                        "Calibrate it first (FlashVsrCalibration, flashvsr calibrate)");
            }
            GraphPrecision graphs = GraphPrecision.of(precision, pkg);
            progress.accept("writing " + precision.nick() + " ONNX graphs for " + width + "x" + height + " to "
                    + folder);
            FlashVsrGraphs.export(pkg, width, height, pkg.attention(), graphs, folder);
        } catch (IOException e) {
            throw new EngineException("cannot write " + folder + ": " + e.getMessage(), "Check free space", e);
        } catch (IllegalArgumentException e) {
            // Attention settings this frame size cannot use (an LCSA ratio that selects no block).
            throw new EngineException("cannot build the graphs for " + width + "x" + height + ": " + e.getMessage(),
                    "Re-import with other attention settings (flashvsr import --help)", e);
        }
        for (String file : FlashVsrGraphs.EXPORTED) {
            progress.accept("  " + file);
        }
        return folder;
    }

    /** Places one file the first way that is possible, saying which way it was and why others were not. */
    private static FileRecord place(Path from, Path to, List<FilePlacement> placements, Consumer<String> progress)
            throws IOException {
        for (FilePlacement placement : placements) {
            try {
                FileRecord record = placement.place(from, to, progress);
                progress.accept(String.format(java.util.Locale.ROOT, "  %s %s (%,d bytes)", placement.way().verb(),
                        to.getFileName(), record.size()));
                return record;
            } catch (FilePlacement.Unavailable e) {
                progress.accept("  " + to.getFileName() + ": no " + placement.way().noun() + " (" + e.getMessage()
                        + ")");
            }
        }
        throw new IOException("no way to put " + from + " into the package " + to.getParent());
    }
}
