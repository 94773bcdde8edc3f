package dev.flashvsr.tools.eval;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.tools.EngineChoices;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flashvsr eval}: PSNR-Y, SSIM-Y and temporal error of models against ground truth, on
 * short clips it makes from still images (see {@link TestSequence}), downscaled by itself ({@link
 * Resampling}) and optionally sent through H.264 ({@link H264RoundTrip}).
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        description = {"Measure the quality of models against ground truth: PSNR-Y, SSIM-Y and temporal error.",
                "Each image becomes a short clip: a centre window (at most --max-size pixels a side) panned by "
                        + "(" + TestSequence.PAN_X + ", " + TestSequence.PAN_Y + ") pixels per frame with bicubic "
                        + "interpolation. Each frame is downscaled by the scale with an antialiased bicubic "
                        + "(MATLAB imresize) and, with --h264, also encoded and decoded with x264enc/avdec_h264. "
                        + "Each model upscales the clip as one stream through the engine API.",
                "PSNR-Y and SSIM-Y (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5) use the luma of "
                        + "BT.601, Y = 16 + 65.481 R + 128.553 G + 24.966 B (R, G, B in [0, 1]), with a border of "
                        + "`scale` pixels left out, averaged over the frames. temp.err is the mean of "
                        + "|(out_t - out_t-1) - (gt_t - gt_t-1)| on that luma (flicker and temporal noise raise it); "
                        + "MATD-out and MATD-gt are the mean |x_t - x_t-1| of output and ground truth.",
                "The bicubic model is always evaluated too, as the reference of the differences."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the evaluation failed (unreadable image, model error, GStreamer error)",
                "2:bad arguments"})
public final class EvalCommand implements Callable<Integer> {

    /** Where Debian's python3-skimage installs its sample images. */
    public static final Path SKIMAGE_DATA = Path.of("/usr/lib/python3/dist-packages/skimage/data");

    /** The natural photographs among skimage's sample images (camera and moon are gray). */
    public static final List<String> DEFAULT_IMAGES = List.of("astronaut.png", "chelsea.png", "coffee.png",
            "rocket.jpg", "motorcycle_left.png", "retina.jpg", "hubble_deep_field.jpg", "camera.png", "moon.png");

    /** The baseline every model is compared with. */
    public static final String REFERENCE_MODEL = "bicubic";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "M",
            description = {"Model name or model package path; repeat to compare several.",
                    "Default: bicubic and the element's default model (" + Models.DEFAULT + ")."})
    List<String> models = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "2|4", defaultValue = "4",
            description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--images", paramLabel = "FILE|DIR", arity = "1..*",
            description = {"Ground-truth images, or directories of them (PNG, JPEG, BMP, GIF, TIFF).",
                    "Default: the photographs of Debian's python3-skimage in " + "/usr/lib/python3/dist-packages/"
                            + "skimage/data: astronaut, chelsea, coffee, rocket, motorcycle_left, retina, "
                            + "hubble_deep_field, camera, moon."})
    List<Path> images = new ArrayList<>();

    @Option(names = "--h264", paramLabel = "KBPS",
            description = {"Also evaluate on input that went through H.264 at this bit rate in kbit/s "
                    + "(x264enc, " + H264RoundTrip.FPS + " fps, speed-preset=medium, tune=zerolatency); repeatable."})
    List<Integer> h264 = new ArrayList<>();

    @Option(names = "--frames", paramLabel = "N", defaultValue = "8",
            description = "Frames per clip (default: ${DEFAULT-VALUE}); 1 skips the temporal measures.")
    int frames;

    @Option(names = "--max-size", paramLabel = "PX", defaultValue = "512",
            description = "Largest side of the evaluated centre window, in high-resolution pixels; 0 for the "
                    + "whole image (default: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|tensorrt", defaultValue = "auto",
            description = "Where models run (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P[,P...]", split = ",",
            description = {"Evaluate each model at each of these precisions (auto, fp32, fp16, bf16, int8), "
                    + "a row per model and precision, e.g. fp32,fp16,int8; the reference bicubic runs once.",
                    "Default: auto, the best the backend runs well."})
    List<String> precisions = new ArrayList<>();

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write every score to this CSV file.")
    Path csv;

    @Option(names = "--report", paramLabel = "DIR",
            description = {"Also write an HTML report to this folder: DIR/index.html with, per image and input, crops "
                    + "of the input, every model and the ground truth side by side, per-frame PSNR-Y and temporal "
                    + "error charts, and the summary table; it opens from disk, no network needed.",
                    "DIR must be new or empty (see --overwrite); it is written only once the report is complete."})
    Path report;

    @Option(names = "--overwrite",
            description = "Let --report replace the index.html and img/ of a folder that is not empty (other files "
                    + "in it stay).")
    boolean overwrite;

    @Option(names = {"-q", "--quiet"}, description = "Do not print progress to standard error.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validate();
        SessionOptions options = new SessionOptions(parseBackend(), 0, 0, 0);
        List<Evaluator.Subject> subjects = subjects();
        List<Degradation> degradations = new ArrayList<>();
        degradations.add(Degradation.CLEAN);
        new LinkedHashSet<>(h264).forEach(k -> degradations.add(Degradation.h264(k)));
        long started = System.nanoTime();
        try {
            List<Path> files = imageFiles();
            List<TestSequence> clips = new ArrayList<>();
            for (Path file : files) {
                progress(err, "loading " + file);
                RgbImage image = ImageLoading.load(file);
                try {
                    clips.add(TestSequence.make(file.getFileName().toString(), image, scale, frames, maxSize));
                } catch (IllegalArgumentException e) {
                    throw new EvalException(e.getMessage());
                }
            }
            ReportCollector collector = new ReportCollector(scale);
            List<Evaluator.ModelResult> results = Evaluator.evaluateSubjects(subjects, options, scale, clips,
                    degradations, line -> progress(err, line), report == null ? (d, s, in, o) -> { } : collector);
            double seconds = (System.nanoTime() - started) / 1e9;
            String header = header(clips);
            out.print(header);
            for (Evaluator.ModelResult r : results) {
                ReportWriter.table(out, r, scale);
            }
            ReportWriter.summary(out, results, REFERENCE_MODEL, scale);
            if (csv != null) {
                try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                    ReportWriter.csv(w, results, REFERENCE_MODEL, scale);
                }
                out.println("Scores written to " + csv);
            }
            if (report != null) {
                progress(err, "writing the report");
                writeReport(new HtmlReport(header, results, REFERENCE_MODEL, scale, collector.panels()));
                out.println("Report written to " + report.resolve(HtmlReport.PAGE));
            }
            out.printf(Locale.ROOT, "Evaluated in %.1f s.%n", seconds);
            out.flush();
            return 0;
        } catch (EngineException e) {
            return fail(err, e.describe());
        } catch (EvalException | IOException e) {
            return fail(err, e.getMessage());
        }
    }

    private void validate() {
        if (scale != 2 && scale != 4) {
            throw usage("--scale must be 2 or 4, not " + scale);
        }
        if (frames < 1 || frames > 1000) {
            throw usage("--frames must be between 1 and 1000, not " + frames);
        }
        if (maxSize < 0) {
            throw usage("--max-size must not be negative");
        }
        for (int k : h264) {
            if (k < 1 || k > 100_000) {
                throw usage("--h264 bit rate must be between 1 and 100000 kbit/s, not " + k);
            }
        }
        parseBackend();
        parsePrecisions();
        for (String m : models) {
            if (m.isBlank()) {
                throw usage("--model must not be empty");
            }
        }
        if (report != null) {
            String refusal;
            try {
                refusal = ReportFolder.refusal(report, overwrite);
            } catch (IOException e) {
                refusal = "cannot read the --report folder '" + report + "': " + e.getMessage();
            }
            if (refusal != null) {
                throw usage(refusal);
            }
        } else if (overwrite) {
            throw usage("--overwrite is for --report; name the report folder with --report DIR");
        }
        if (csv != null) {
            Path dir = csv.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw usage("directory of the CSV file '" + csv + "' does not exist");
            }
        }
    }

    private Backend parseBackend() {
        return EngineChoices.backend(backend);
    }

    private List<Precision> parsePrecisions() {
        return precisions.isEmpty() ? List.of(Precision.AUTO) : EngineChoices.precisions(precisions);
    }

    /** The reference at its own precision first, then every requested model at every precision. */
    List<Evaluator.Subject> subjects() {
        List<Evaluator.Subject> subjects = new ArrayList<>();
        subjects.add(new Evaluator.Subject(REFERENCE_MODEL, Precision.AUTO));
        List<String> names = modelNames();
        for (String model : names.subList(1, names.size())) {
            parsePrecisions().forEach(p -> subjects.add(new Evaluator.Subject(model, p)));
        }
        return subjects;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The reference first, then the requested models (or the default one), each once. */
    List<String> modelNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(REFERENCE_MODEL);
        if (models.isEmpty()) {
            names.add(Models.DEFAULT);
        } else {
            models.forEach(m -> names.add(m.trim()));
        }
        return List.copyOf(names);
    }

    private List<Path> imageFiles() throws IOException {
        if (!images.isEmpty()) {
            List<Path> files = ImageLoading.expand(images);
            if (files.isEmpty()) {
                throw new EvalException("no images found in " + images);
            }
            return files;
        }
        List<Path> files = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : DEFAULT_IMAGES) {
            Path file = SKIMAGE_DATA.resolve(name);
            if (Files.isRegularFile(file)) {
                files.add(file);
            } else {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new EvalException("the default test images " + missing + " are not in " + SKIMAGE_DATA
                    + "; install them with 'apt-get install python3-skimage' or pass --images");
        }
        return files;
    }

    private void writeReport(HtmlReport page) throws IOException {
        try (ReportFolder folder = ReportFolder.beside(report)) {
            page.write(folder.path());
            folder.commit();
        }
    }

    /** What eval prints above its tables: the settings and how each measure is defined. */
    private String header(List<TestSequence> clips) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(Locale.ROOT, "flashvsr eval: x%d, %d image%s, %d frame%s per clip%n", scale, clips.size(),
                clips.size() == 1 ? "" : "s", frames, frames == 1 ? "" : "s");
        out.printf(Locale.ROOT, "  ground truth: a centre window of each image, %s, panned by (%.2f, %.2f) px/frame "
                + "(bicubic interpolation)%n", maxSize > 0 ? "at most " + maxSize + "x" + maxSize + " HR pixels"
                : "as large as the image allows", TestSequence.PAN_X, TestSequence.PAN_Y);
        out.printf(Locale.ROOT, "  input: antialiased bicubic downscale by %d (Keys a=-0.5 stretched by %d, as MATLAB "
                + "imresize)%s%n", scale, scale, h264.isEmpty() ? "" : "; also through H.264 at "
                        + new LinkedHashSet<>(h264) + " kbit/s");
        out.printf(Locale.ROOT, "  measures on BT.601 luma, %d-pixel border left out; PSNR-Y and SSIM-Y averaged over "
                + "frames; temp.err = mean |(out_t - out_t-1) - (gt_t - gt_t-1)|; MATD = mean |x_t - x_t-1|%n%n",
                scale);
        out.flush();
        return text.toString();
    }

    private void progress(PrintWriter err, String line) {
        if (!quiet) {
            err.println("flashvsr eval: " + line);
            err.flush();
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("flashvsr: error: " + message);
        err.flush();
        return 1;
    }
}
