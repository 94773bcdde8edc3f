package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a folder laid out like the official FlashVSR release into a model package: the folder is
 * validated completely first (every file, tensor and shape, config.json against the weights, the
 * checkpoints through the restricted reader), then its files are copied and the manifest written.
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

    private static final long COPY_STEP = 64L << 20;
    private static final long REPORT_STEP = 1L << 30;

    private FlashVsrImport() {
    }

    /** Imports {@code release} into the new folder {@code out}; {@code progress} gets one line per step. */
    public static void run(Path release, Path out, Settings settings, Consumer<String> progress)
            throws EngineException {
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
            List<String> files = List.of(FlashVsrRelease.DIT_FILE, FlashVsrRelease.LQ_PROJ_FILE,
                    FlashVsrRelease.TC_DECODER_FILE, FlashVsrRelease.PROMPT_FILE, FlashVsrRelease.CONFIG_FILE);
            for (String file : files) {
                Path from = release.resolve(file);
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    copy(from, out.resolve(file), progress);
                }
            }
            FlashVsrPackage.writeManifest(out, settings.name(),
                    "FlashVSR imported from " + release.toAbsolutePath().normalize(), settings.dense(),
                    settings.localRange() != null ? settings.localRange() : streaming.localRange(),
                    settings.sparseRatio() != null ? settings.sparseRatio() : streaming.sparseRatio(),
                    settings.topkRatio());
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
        if (width <= 0 || height <= 0 || width % 128 != 0 || height % 128 != 0) {
            throw new EngineException("graph size " + width + "x" + height + " is not a multiple of 128 on both sides",
                    "Give the model frame size, e.g. 1280x768 for 1280x720 output");
        }
        Path folder = packageDir.resolve("onnx").resolve(width + "x" + height);
        try (FlashVsrPackage pkg = FlashVsrPackage.open(packageDir)) {
            progress.accept("writing ONNX graphs for " + width + "x" + height + " to " + folder);
            FlashVsrGraphs.export(pkg, width, height, pkg.attention(), folder);
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

    /**
     * Copies through file channels, which a thread interrupt closes at once (Ctrl-C during a
     * multi-GB copy must not wait for its end), with a progress line per GB.
     */
    private static void copy(Path from, Path to, Consumer<String> progress) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                FileChannel o = FileChannel.open(to, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                long n = in.transferTo(done, Math.min(COPY_STEP, size - done), o);
                if (n <= 0) {
                    throw new IOException(from + " ended at " + done + " of " + size + " bytes while being copied");
                }
                done += n;
                if (done % REPORT_STEP < n && done < size) {
                    progress.accept(String.format(java.util.Locale.ROOT, "  %s: %.1f of %.1f GB", from.getFileName(),
                            done / 1e9, size / 1e9));
                }
            }
            progress.accept(String.format(java.util.Locale.ROOT, "  copied %s (%,d bytes)", from.getFileName(), size));
        }
    }
}
