package dev.flashvsr.tools;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cpu.OnnxModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.glib.GError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvsr bench}: frames per second of flashvsrfilter next to videoscale (bicubic) and a
 * bare source, all in one run so the numbers are comparable.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Measure frames per second of flashvsrfilter against videoscale and a source-only",
                "baseline (videotestsrc ! fakesink), all in this one run. videoscale has no method named",
                "bicubic; its catrom method is the same Keys (a = -0.5) bicubic kernel as flashvsrfilter's",
                "bicubic model, and it gets as many threads as there are CPU cores.",
                "Each pipeline runs once for warm-up, then is timed from PLAYING to end-of-stream",
                "after prerolling (model loading and the first frame are not counted)."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--size", paramLabel = "WxH", split = ",", defaultValue = "320x180,480x270",
            description = "Input sizes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--scale", paramLabel = "2|4", defaultValue = "4",
            description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "200",
            description = "Frames per timed run (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--format", paramLabel = "F", defaultValue = "I420",
            description = "Raw video format of the input, e.g. I420, NV12, RGBA (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--pattern", defaultValue = "smpte",
            description = "videotestsrc pattern (default: ${DEFAULT-VALUE}).")
    String pattern;

    @Option(names = "--videoscale-method", paramLabel = "METHOD", defaultValue = "catrom",
            description = "videoscale method to compare with (default: ${DEFAULT-VALUE}, bicubic a = -0.5).")
    String videoscaleMethod;

    @Option(names = "--videoscale-threads", paramLabel = "N",
            description = "videoscale n-threads (default: the number of CPU cores).")
    Integer videoscaleThreads;

    @Option(names = "--model", description = "flashvsrfilter model (default: the element's default model).")
    String model;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|tensorrt",
            description = "flashvsrfilter backend (default: the element's default).")
    String backend;

    @Option(names = "--precision", paramLabel = "P", split = ",",
            description = {"Precisions to measure, comma-separated, e.g. fp32,int8: the element and the raw",
                    "session at each, with ratios against the first (default: the element's, auto)."})
    List<String> precisionNames;

    /** A timed run that takes longer than this is reported as failed. */
    private static final long RUN_LIMIT_MS = 600_000;

    /** One measured pipeline. */
    record Result(String label, long frames, double seconds, String error) {
        double fps() {
            return seconds > 0 ? frames / seconds : Double.NaN;
        }

        boolean ok() {
            return error == null;
        }
    }

    /** The element and the bare graph, measured at one precision. */
    private record Variant(String name, Result element, List<Result> graphs) {
    }

    /** The precisions asked for; null: the element's default, and no precision in the labels. */
    private List<Precision> precisions;

    @Override
    public Integer call() throws InterruptedException {
        if (scale != 2 && scale != 4) {
            throw CliException.usage("--scale must be 2 or 4, not " + scale);
        }
        if (frames < 2) {
            throw CliException.usage("--frames must be at least 2");
        }
        String modelName = model == null ? Models.DEFAULT : model;
        if (!format.matches("[A-Za-z0-9_]+") || !pattern.matches("[A-Za-z0-9_-]+")
                || !modelName.matches("[A-Za-z0-9_./-]+") || !videoscaleMethod.matches("[A-Za-z0-9_-]+")) {
            throw CliException.usage("--format, --pattern, --model, --videoscale-method must be plain names");
        }
        if (backend != null) {
            backend = EngineChoices.backend(backend).nick();
        }
        precisions = precisionNames == null ? null : EngineChoices.precisions(precisionNames);
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = videoscaleThreads == null ? cores : videoscaleThreads;
        if (threads < 1) {
            throw CliException.usage("--videoscale-threads must be at least 1");
        }
        GstSupport.init();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "flashvsr bench: model %s, x%d, %s input, %d frames per run, %d CPU cores, %s%s%n",
                modelName, scale, format, frames, cores, Gst.getVersionString(), precisions == null ? ""
                        : ", precisions " + precisions.stream().map(Precision::nick).collect(Collectors.joining(", ")));
        boolean failed = false;
        for (String size : sizes) {
            int[] wh = parseSize(size);
            failed |= benchSize(out, modelName, wh[0], wh[1], threads);
        }
        out.println("(pipeline fps include the cost of videotestsrc; see the baseline row)");
        out.flush();
        return failed ? FlashVsrCli.EXIT_FAILURE : FlashVsrCli.EXIT_OK;
    }

    /** A {@code --size} value as {width, height}; a usage error when it is not WxH within 2x2..7680x4320. */
    static int[] parseSize(String size) {
        String[] parts = size.trim().split("x");
        try {
            int w = Integer.parseInt(parts[0]);
            int h = Integer.parseInt(parts[1]);
            if (parts.length == 2 && w >= 2 && h >= 2 && w <= 7680 && h <= 4320) {
                return new int[] {w, h};
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // reported below
        }
        throw CliException.usage("--size must be WxH between 2x2 and 7680x4320, not " + size);
    }

    /** Measures one input size; returns true when something failed. */
    private boolean benchSize(PrintWriter out, String modelName, int width, int height, int threads)
            throws InterruptedException {
        String source = String.format(Locale.ROOT,
                "videotestsrc pattern=%s num-buffers=%%d ! video/x-raw,format=%s,width=%d,height=%d,framerate=30/1",
                pattern, format, width, height);
        String scaled = String.format(Locale.ROOT, "video/x-raw,width=%d,height=%d", width * scale, height * scale);
        String sink = "fakesink sync=false";
        String scaler = "videoscale method=" + videoscaleMethod + " n-threads=" + threads;
        List<Result> results = new ArrayList<>();
        results.add(timed("videotestsrc only (baseline)", source + " ! " + sink));
        Result videoscale = timed(scaler, source + " ! " + scaler + " ! " + scaled + " ! " + sink);
        results.add(videoscale);
        List<Variant> variants = new ArrayList<>();
        for (Precision precision : precisions == null ? List.of(Precision.AUTO) : precisions) {
            String suffix = precisions == null ? "" : " precision=" + precision.nick();
            String vsr = "flashvsrfilter model=" + modelName + " scale=" + scale
                    + (backend == null ? "" : " backend=" + backend) + suffix;
            Result element = timed("flashvsrfilter model=" + modelName + suffix,
                    source + " ! " + vsr + " ! " + scaled + " ! " + sink);
            List<Result> graphs = measureGraph(modelName, precision, suffix, width, height);
            variants.add(new Variant("flashvsrfilter" + suffix, element, graphs));
            results.add(element);
            results.addAll(graphs);
        }
        out.printf(Locale.ROOT, "%n%dx%d -> %dx%d%n", width, height, width * scale, height * scale);
        printTable(out, results);
        printRatios(out, videoscale, variants);
        out.flush();
        return results.stream().anyMatch(r -> !r.ok());
    }

    /** A warm-up run (JIT, plugin loading, caches), then the timed one. */
    private Result timed(String label, String template) throws InterruptedException {
        Result warm = measure(label, template, Math.min(frames, 10));
        return warm.ok() ? measure(label, template, frames) : warm;
    }

    private static void printTable(PrintWriter out, List<Result> results) {
        int width = Math.max(44, results.stream().mapToInt(r -> r.label().length()).max().orElse(0));
        String label = "%-" + width + "s";
        out.printf(Locale.ROOT, label + " %8s %9s %10s %12s%n", "pipeline", "frames", "seconds", "fps", "ms/frame");
        for (Result r : results) {
            if (r.ok()) {
                out.printf(Locale.ROOT, label + " %8d %9.3f %10.1f %12.3f%n", r.label(), r.frames(), r.seconds(),
                        r.fps(), 1000 * r.seconds() / r.frames());
            } else {
                out.printf(Locale.ROOT, label + " %s%n", r.label(), "failed: " + r.error());
            }
        }
    }

    /**
     * Each precision's element against videoscale and against its bare graph, then each precision
     * after the first against the first (element and bare graph).
     */
    private static void printRatios(PrintWriter out, Result videoscale, List<Variant> variants) {
        Variant first = variants.get(0);
        for (Variant v : variants) {
            if (videoscale.ok() && v.element().ok()) {
                out.printf(Locale.ROOT, "%s / videoscale throughput: %.2fx%n", v.name(),
                        v.element().fps() / videoscale.fps());
            }
            for (Result graph : v.graphs()) {
                if (graph.ok() && v.element().ok()) {
                    out.printf(Locale.ROOT, "%s / %s: %.2fx (element overhead %.1f%%)%n", v.name(), graph.label(),
                            v.element().fps() / graph.fps(), 100 * (graph.fps() / v.element().fps() - 1));
                }
            }
        }
        for (Variant v : variants.subList(1, variants.size())) {
            printSpeedUp(out, v.element(), first.element());
            if (!v.graphs().isEmpty() && !first.graphs().isEmpty()) {
                printSpeedUp(out, v.graphs().get(0), first.graphs().get(0));
            }
        }
    }

    private static void printSpeedUp(PrintWriter out, Result measured, Result reference) {
        if (measured.ok() && reference.ok()) {
            out.printf(Locale.ROOT, "%s / %s: %.2fx%n", measured.label(), reference.label(),
                    measured.fps() / reference.fps());
        }
    }

    /**
     * The bare graph in ONNX Runtime at {@code precision}, for neural models (none for others): one
     * session on the whole frame with a thread per core, then, where the element runs the frame as
     * parallel bands, the graph alone run that way. A precision the model lacks is one failed row.
     */
    private List<Result> measureGraph(String modelName, Precision precision, String suffix, int width, int height) {
        String label = "raw ONNX Runtime session (graph only)" + suffix;
        List<Result> results = new ArrayList<>();
        try (Model resolved = Models.resolve(modelName, Backend.CPU, precision)) {
            if (!(resolved instanceof OnnxModel onnx)) {
                return results;
            }
            results.add(new Result(label, frames, onnx.timeGraph(scale, precision, width, height, frames), null));
            onnx.timeGraphInBands(scale, precision, width, height, frames).ifPresent(r -> results.add(new Result(
                    String.format(Locale.ROOT, "raw graph in %d parallel bands%s", (int) r[0], suffix), frames, r[1],
                    null)));
        } catch (EngineException e) {
            results.add(new Result(label, 0, 0, e.getMessage()));
        }
        return results;
    }

    /**
     * Prerolls the pipeline (PAUSED: elements start and one frame reaches the sink), then times
     * PLAYING to EOS. The timed part covers the frames after the prerolled one.
     */
    private static Result measure(String label, String template, int n) throws InterruptedException {
        String description = String.format(Locale.ROOT, template, n);
        List<GError> errors = new ArrayList<>();
        Element parsed;
        try {
            parsed = Gst.parseLaunch(description, errors);
        } catch (RuntimeException e) {
            return new Result(label, 0, 0, e.getMessage());
        }
        if (!errors.isEmpty() || !(parsed instanceof Pipeline pipeline)) {
            if (parsed != null) {
                parsed.dispose();
            }
            return new Result(label, 0, 0, errors.isEmpty() ? "not a pipeline: " + description
                    : errors.get(0).getMessage());
        }
        try (PipelineRun run = new PipelineRun(pipeline)) {
            if (!run.setState(State.PAUSED)) {
                return new Result(label, 0, 0, run.failure().message());
            }
            long start = System.nanoTime();
            if (run.setState(State.PLAYING)) {
                run.await(RUN_LIMIT_MS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!run.reachedEndOfStream()) {
                return new Result(label, 0, 0, run.failure() != null ? run.failure().message()
                        : "no end-of-stream within " + RUN_LIMIT_MS / 1000 + " s");
            }
            return new Result(label, n - 1, seconds, null);
        }
    }
}
