package dev.flashvsr.tools.calibrate;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.flashvsr.FlashVsrCalibration;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.tools.eval.ImageLoading;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr calibrate}: adds FP16 and calibrated INT8 graphs to a model package (see
 * {@link Calibrator}); the same command and photos give the same bytes.
 */
@Command(name = "calibrate",
        mixinStandardHelpOptions = true,
        description = {"Add FP16 and INT8 variants of a model package's fp32 graphs to the package.",
                "Each photo becomes a short low-res clip, made as eval makes its input (a panned centre window, "
                        + "antialiased bicubic downscale). The fp32 graph runs over the clips as streams; the "
                        + "inputs of its learned convolutions and the trunk's branch of its skip adds are "
                        + "calibrated with each method (max, percentile-99.99, mse), the INT8 graph of each is "
                        + "compared with the fp32 output (PSNR), and the best is written as x<scale>-int8.onnx, "
                        + "with x<scale>-fp16.onnx, into the package and its manifest.",
                "Use photos that are not your evaluation set. Nothing is written when anything fails.",
                "A FlashVSR package (flashvsr import) is calibrated on a stream instead: --images names one folder "
                        + "of low-res PNG frames (enough for two chunks, 33 today, in file "
                        + "name order, e.g. from gst-launch-1.0 ... ! pngenc ! multifilesink location=DIR/%05d.png); "
                        + "the fp32 model runs over them and the ranges of the DiT's Linear inputs are written "
                        + "into the package as its int8 scales (--method)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the calibration failed (unreadable or too few images, a graph that "
                + "contradicts its manifest, unusable scales); nothing was written", "2:bad arguments"})
public final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PACKAGE", description = "The model package folder to add variants to.")
    Path packageFolder;

    @Option(names = "--images", paramLabel = "FILE|DIR", arity = "1..*", required = true,
            description = "Calibration photos, or directories of them (at least " + CalibrationClips.MIN_IMAGES
                    + " usable ones); not your evaluation images.")
    List<Path> images = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "S",
            description = "Calibrate only the graph of this scale; repeatable (default: every scale of the package).")
    List<Integer> scales = new ArrayList<>();

    @Option(names = "--frames", paramLabel = "N", defaultValue = "6",
            description = "Frames per calibration clip (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--max-size", paramLabel = "PX", defaultValue = "256",
            description = "Largest side of each photo's centre window, in high-resolution pixels "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--method", paramLabel = "max|p99.99",
            description = "FlashVSR packages only: which measured range becomes each int8 scale (default: max, "
                    + "the better of the two on the golden model; see the README's FlashVSR precision table).")
    String method;

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (FlashVsrPackage.isFlashVsrManifest(packageFolder.resolve(FlashVsrPackage.MANIFEST))) {
                return calibrateFlashVsr(out);
            }
            if (method != null) {
                throw usage("--method is for FlashVSR packages; a recurrent package is calibrated with every method"
                        + " and the best is kept");
            }
            ModelPackage modelPackage = ModelPackage.load(packageFolder);
            List<ModelManifest.Graph> graphs = graphsToCalibrate(modelPackage.manifest());
            List<Path> files = ImageLoading.expand(images);
            List<PackageVariants.Variant> variants = new ArrayList<>();
            for (ModelManifest.Graph graph : graphs) {
                List<CalibrationClips.Clip> clips = CalibrationClips.make(files, graph.scale(), frames, maxSize);
                String label = packageFolder.getFileName() + "/" + graph.file();
                Calibrator.Result result = Calibrator.calibrate(graph, modelPackage.graph(graph), label, clips);
                report(out, label, clips, result);
                variants.add(new PackageVariants.Variant(graph, Precision.FP16, result.fp16().onnx()));
                variants.add(new PackageVariants.Variant(graph, Precision.INT8, result.chosen().onnx()));
            }
            PackageVariants.write(packageFolder, variants);
            for (PackageVariants.Variant v : variants) {
                out.printf(Locale.ROOT, "wrote %s (%d bytes)%n", packageFolder.resolve(v.file()), v.onnx().length);
            }
            out.flush();
            return 0;
        } catch (EngineException e) {
            return fail(err, e.describe());
        } catch (CalibrationException e) {
            return fail(err, e.getMessage());
        } catch (IOException e) {
            return fail(err, "cannot calibrate " + packageFolder + ": " + e.getMessage());
        }
    }

    /** FlashVSR: int8 scales of the DiT's Linear inputs from one stream of PNG frames. */
    private int calibrateFlashVsr(PrintWriter out) throws EngineException {
        if (images.size() != 1 || !Files.isDirectory(images.get(0))) {
            throw usage("a FlashVSR package is calibrated on one stream: give --images one folder of PNG frames,"
                    + " not " + images);
        }
        if (scales.size() > 1) {
            throw usage("a FlashVSR package is calibrated for one --scale at a time, not " + scales);
        }
        FlashVsrCalibration.Method chosen;
        try {
            chosen = FlashVsrCalibration.Method.fromNick(method == null ? "max" : method);
        } catch (IllegalArgumentException e) {
            throw usage("--" + e.getMessage());
        }
        int scale = scales.isEmpty() ? 4 : scales.get(0);
        Path written = FlashVsrCalibration.runOnPngFolder(packageFolder, scale, images.get(0), chosen,
                (step, fraction) -> out.printf(Locale.ROOT, "%s%s%n", step,
                        Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, " (%.0f%%)", fraction * 100)));
        out.printf(Locale.ROOT, "wrote %s (int8 scales, method %s, x%d)%n", written, chosen.nick(), scale);
        out.flush();
        return 0;
    }

    private void validate() {
        if (frames < 1 || frames > 100) {
            throw usage("--frames must be between 1 and 100, not " + frames);
        }
        if (maxSize < 16) {
            throw usage("--max-size must be at least 16 pixels, not " + maxSize);
        }
        if (!Files.isDirectory(packageFolder)) {
            throw usage("model package '" + packageFolder + "' is not a folder; pass the folder that holds "
                    + ModelManifest.FILE_NAME);
        }
    }

    private List<ModelManifest.Graph> graphsToCalibrate(ModelManifest manifest) throws CalibrationException {
        TreeSet<Integer> available = new TreeSet<>();
        manifest.graphs().forEach(g -> available.add(g.scale()));
        TreeSet<Integer> wanted = scales.isEmpty() ? available : new TreeSet<>(scales);
        List<ModelManifest.Graph> graphs = new ArrayList<>();
        for (int scale : wanted) {
            graphs.add(manifest.graphFor(scale).orElseThrow(() -> new CalibrationException(
                    "model package " + packageFolder + " has no x" + scale + " graph (it has " + available
                            + "); pick one of those with --scale")));
        }
        return graphs;
    }

    private static void report(PrintWriter out, String label, List<CalibrationClips.Clip> clips,
            Calibrator.Result result) {
        CalibrationClips.Clip first = clips.get(0);
        out.printf(Locale.ROOT, "%s: %d clips of %d frames (first %dx%d low-res)%n", label, clips.size(),
                first.frames().size(), first.width(), first.height());
        out.printf(Locale.ROOT, "  %-22s %s%n", "variant", "PSNR vs fp32 (dB)");
        List<Calibrator.Candidate> rows = new ArrayList<>();
        rows.add(result.fp16());
        rows.addAll(result.int8());
        for (Calibrator.Candidate c : rows) {
            out.printf(Locale.ROOT, "  %-22s %.2f%s%n", c.label(), c.psnr(), c == result.chosen() ? "  chosen" : "");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static int fail(PrintWriter err, String message) {
        err.println("flashvsr: error: " + message);
        err.flush();
        return 1;
    }
}
