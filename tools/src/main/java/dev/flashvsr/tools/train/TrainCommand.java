package dev.flashvsr.tools.train;

import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.tools.ErrorText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flashvsr train}: trains the default streaming network on the CPU with DJL. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Train the default recurrent super-resolution network (RecurrentSrArchitecture) on the CPU",
                "with DJL's PyTorch engine, offline, and save its weights as safetensors.",
                "Training data: synthetic clips (camera pans, zooms, small rotations; blur, noise, 4:2:0 chroma",
                "and JPEG degradations) from the CC0 and CC-BY-4.0 photos of Debian's lomiri-wallpapers-16.04.",
                "Validation: python3-skimage test images, clean bicubic downscale, PSNR on BT.601 luma vs bicubic."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scale", paramLabel = "2|4", defaultValue = "4", description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Weights file to write (.safetensors).")
    Path out;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a Markdown summary of the run here.")
    Path report;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "15",
            description = "Training time, not counting loading and validation (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "Train exactly N steps instead of --minutes (fully reproducible schedule).")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--features", defaultValue = "24", description = "Channels of the hidden layers (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--layers", defaultValue = "4", description = "Convolutions (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--hidden", defaultValue = "4", description = "Recurrent state channels (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--temporal-gate",
            description = "Add a learned per-pixel gate that blends each output with the previous one (see "
                    + "RecurrentSrArchitecture); --init may then name weights without a gate.")
    boolean temporalGate;

    @Option(names = "--gate-only",
            description = "Train only the temporal gate (needs --temporal-gate and --init); the rest of the"
                    + " network keeps the weights --init gave it.")
    boolean gateOnly;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--batch", defaultValue = "16", description = "Clips per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--patch", paramLabel = "PX", description = "Low-res patch side (default: 48 at x4, 64 at x2).")
    Integer patch;

    @Option(names = "--frames", defaultValue = "2", description = "Frames per clip, back-propagated through (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--reuse", defaultValue = "2",
            description = "Steps per generated batch; repeats are mirrored (default: ${DEFAULT-VALUE}).")
    int reuse;

    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak Adam learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--init", paramLabel = "FILE",
            description = "Start from these weights (.safetensors of the same architecture) instead of random ones.")
    Path init;

    @Option(names = "--temporal-weight", paramLabel = "W", defaultValue = "0",
            description = "Weight of the flicker term: distance between the output's and the ground truth's"
                    + " frame-to-frame change (default: ${DEFAULT-VALUE}).")
    double temporalWeight;

    @Option(names = "--validate-every", paramLabel = "MIN", defaultValue = "4",
            description = "Minutes of training between validations (default: ${DEFAULT-VALUE}).")
    double validateEvery;

    @Option(names = "--photos-dir", paramLabel = "DIR", description = "Directory of the training photos (default: /usr/share/backgrounds).")
    Path photosDir;

    @Option(names = "--pool-versions", defaultValue = "2",
            description = "Downscaled copies of each photo kept in memory (default: ${DEFAULT-VALUE}).")
    int poolVersions;

    @Option(names = "--validation-dir", paramLabel = "DIR",
            description = "Directory of the validation images (default: python3-skimage's data directory).")
    Path validationDir;

    @Option(names = "--no-validation", description = "Skip validation.")
    boolean noValidation;

    @Override
    public Integer call() throws Exception {
        if (scale != 2 && scale != 4) {
            throw new ParameterException(spec.commandLine(), "--scale must be 2 or 4");
        }
        if (minutes <= 0 && steps <= 0) {
            throw new ParameterException(spec.commandLine(), "--minutes or --steps must be positive");
        }
        if (temporalWeight < 0) {
            throw new ParameterException(spec.commandLine(), "--temporal-weight must not be negative");
        }
        if (batch < 1 || frames < 1 || threads < 1 || poolVersions < 1 || reuse < 1) {
            throw new ParameterException(spec.commandLine(), "--batch, --frames, --threads, --pool-versions and --reuse must be >= 1");
        }
        if (gateOnly && (!temporalGate || init == null)) {
            throw new ParameterException(spec.commandLine(), "--gate-only needs --temporal-gate and --init");
        }
        RecurrentSrArchitecture arch;
        try {
            arch = new RecurrentSrArchitecture(scale, features, layers, hidden, temporalGate);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        // Checked now rather than after the photos are decoded or, for --out, after the whole training.
        checkWritable("--out", out);
        if (report != null) {
            checkWritable("--report", report);
        }
        if (init != null) {
            try {
                SafeTensors.readAll(init);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--init: " + e.getMessage());
            }
        }
        int patchSide = patch != null ? patch : (scale == 4 ? 48 : 64);
        Path dir = photosDir != null ? photosDir : TrainingPhotos.DEFAULT_DIR;
        List<Path> photos = new ArrayList<>();
        for (TrainingPhotos.Photo p : TrainingPhotos.LOMIRI_16_04) {
            Path f = p.path(dir);
            if (!Files.isReadable(f)) {
                throw new ParameterException(spec.commandLine(), "training photo not found: " + f
                        + " (install Debian's lomiri-wallpapers-16.04 or pass --photos-dir)");
            }
            photos.add(f);
        }
        Path vdir = validationDir != null ? validationDir : ValidationImages.DEFAULT_DIR;
        List<String> vfiles = noValidation ? List.of() : ValidationImages.FILES;
        for (String f : vfiles) {
            if (!Files.isReadable(vdir.resolve(f))) {
                throw new ParameterException(spec.commandLine(), "validation image not found: " + vdir.resolve(f)
                        + " (install Debian's python3-skimage, pass --validation-dir or --no-validation)");
            }
        }
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.get(0).equals("train")) {
            args.remove(0);
        }
        String commandLine = "flashvsr train " + String.join(" ", args);
        Trainer.Config cfg = new Trainer.Config(arch, seed, minutes, steps, threads, batch, patchSide, frames, reuse,
                learningRate, temporalWeight, gateOnly, validateEvery, photos, poolVersions, vdir, vfiles, init, out, report, commandLine);
        PrintWriter log = spec.commandLine().getOut();
        log.println(commandLine);
        new Trainer(cfg, log).run();
        return 0;
    }

    /** Fails unless {@code file} can be created: its folder exists (or can be made) and takes a new file. */
    private void checkWritable(String option, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.delete(Files.createTempFile(parent, ".flashvsr-train-", ".probe"));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), option + " '" + file + "' cannot be written: "
                    + ErrorText.describe(e));
        }
    }
}
