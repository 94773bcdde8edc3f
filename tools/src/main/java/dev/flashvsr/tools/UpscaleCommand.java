package dev.flashvsr.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Format;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadLinkException;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.event.EOSEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvsr upscale IN OUT}: decodes any file GStreamer can read, upscales its video with
 * flashvsrfilter and writes H.264 in MP4 or Matroska. Audio is not carried over.
 */
@Command(name = "upscale",
        mixinStandardHelpOptions = true,
        description = {"Upscale the video of IN with flashvsrfilter and write it to OUT as H.264.",
                "OUT must end in .mp4 or .mkv; audio is dropped."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the pipeline failed (partial output is deleted)",
                "2:bad arguments or unusable files", "130:interrupted (Ctrl-C); the output so far is kept"})
final class UpscaleCommand implements Callable<Integer> {

    /** How long Ctrl-C waits for the file to be finalized before the JVM exits anyway. */
    private static final long INTERRUPT_GRACE_MS = 5000;
    private static final long PROGRESS_INTERVAL_MS = 500;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Input video file.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file (.mp4 or .mkv); overwritten if it exists.")
    Path output;

    @Option(names = "--scale", paramLabel = "2|4", defaultValue = "4",
            description = "Upscaling factor, 2 or 4 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--model", paramLabel = "M",
            description = "Model name or model package path (default: the element's default model).")
    String model;

    @Option(names = "--backend", paramLabel = "auto|cpu|tensorrt",
            description = "Where the model runs (default: the element's default, normally auto).")
    String backend;

    @Option(names = "--color-fix", paramLabel = "adain|wavelet|none",
            description = "Diffusion models (FlashVSR): how output colours are matched to the input"
                    + " (default: the element's, adain).")
    String colorFix;

    @Option(names = "--upstream-reference",
            description = "Diffusion models: reproduce upstream FlashVSR's pre- and post-processing exactly"
                    + " (for verification; the upscaled frame must be at least 128x128).")
    boolean upstreamReference;

    @Option(names = "--seed", paramLabel = "N",
            description = "Diffusion models: seed of the latent noise (default: the element's, 0).")
    Long seed;

    @Option(names = "--noise-file", paramLabel = "FILE",
            description = "Diffusion models: safetensors file whose 'noise' tensor replaces the generated noise.")
    Path noiseFile;

    @Option(names = "--quality", paramLabel = "Q", defaultValue = "18",
            description = "x264 quantizer for constant quality, 0-50, lower is better (default: ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the progress line.")
    boolean quiet;

    @Override
    public Integer call() throws InterruptedException {
        Path in = input.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        String muxer = validate(in, out);

        GstSupport.init();
        PrintWriter err = spec.commandLine().getErr();

        Pipeline pipeline = new Pipeline("flashvsr-upscale");
        PipelineRun run = new PipelineRun(pipeline);
        Stages stages;
        try {
            stages = build(pipeline, run, in, out, muxer);
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }

        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        CountDownLatch finalized = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            synchronized (closed) {
                if (!closed.get()) {
                    interrupted.set(true);
                    // EOS from the sources lets the muxer finish a playable file with the frames so far.
                    pipeline.sendEvent(new EOSEvent());
                }
            }
            try {
                finalized.await(INTERRUPT_GRACE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flashvsr-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);

        Progress progress = new Progress(err, quiet);
        long started = System.nanoTime();
        Long frames = null;
        boolean ok;
        try {
            if (run.setState(State.PLAYING)) {
                while (!run.await(PROGRESS_INTERVAL_MS)) {
                    progress.update(framesProcessed(stages.vsr()), elapsedSeconds(started),
                            position(stages.convertOut(), pipeline), duration(stages.convertIn(), pipeline));
                }
            }
            ok = run.reachedEndOfStream();
            if (ok) {
                frames = framesProcessed(stages.vsr());
            }
        } finally {
            progress.finish();
            synchronized (closed) {
                closed.set(true);
            }
            run.close();
        }
        double seconds = elapsedSeconds(started);

        try {
            if (!ok) {
                GstSupport.MessageText f = run.failure() != null ? run.failure()
                        : new GstSupport.MessageText("the pipeline stopped before the end of the input", null, null);
                deleteQuietly(out);
                throw new CliException(FlashVsrCli.EXIT_FAILURE, f.message(), describe(f));
            }
            long size = sizeOf(out);
            long n = frames == null ? -1 : frames;
            String fps = n >= 0 && seconds > 0 ? String.format(Locale.ROOT, "%.1f", n / seconds) : "?";
            err.printf(Locale.ROOT, "flashvsr: %s%s frames in %.1f s (%s fps) -> %s (%s)%n",
                    interrupted.get() ? "interrupted after " : "upscaled ",
                    n >= 0 ? Long.toString(n) : "?", seconds, fps, out, humanSize(size));
            err.flush();
            return interrupted.get() ? FlashVsrCli.EXIT_INTERRUPTED : FlashVsrCli.EXIT_OK;
        } finally {
            finalized.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running (Ctrl-C); it returns once finalized is counted down.
            }
        }
    }

    /** Checks arguments and files before anything is built; returns the muxer for OUT. */
    private String validate(Path in, Path out) {
        if (scale != 2 && scale != 4) {
            throw CliException.usage("--scale must be 2 or 4, not " + scale);
        }
        if (quality < 0 || quality > 50) {
            throw CliException.usage("--quality must be between 0 and 50, not " + quality);
        }
        if (backend != null) {
            String b = backend.toLowerCase(Locale.ROOT);
            if (!b.equals("auto") && !b.equals("cpu") && !b.equals("tensorrt")) {
                throw CliException.usage("--backend must be auto, cpu or tensorrt, not '" + backend + "'");
            }
            backend = b;
        }
        if (colorFix != null) {
            String c = colorFix.toLowerCase(Locale.ROOT);
            if (!c.equals("adain") && !c.equals("wavelet") && !c.equals("none")) {
                throw CliException.usage("--color-fix must be adain, wavelet or none, not '" + colorFix + "'");
            }
            colorFix = c;
        }
        if (seed != null && seed < 0) {
            throw CliException.usage("--seed must not be negative, got " + seed);
        }
        if (noiseFile != null && !Files.isRegularFile(noiseFile)) {
            throw CliException.usage("noise file '" + noiseFile + "' does not exist");
        }
        if (model != null && model.isBlank()) {
            throw CliException.usage("--model must not be empty");
        }
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        String muxer;
        if (name.endsWith(".mp4")) {
            muxer = "mp4mux";
        } else if (name.endsWith(".mkv")) {
            muxer = "matroskamux";
        } else {
            throw CliException.usage("output file '" + output + "' must end in .mp4 or .mkv");
        }
        if (!Files.exists(in)) {
            throw CliException.usage("input file '" + input + "' does not exist");
        }
        if (!Files.isRegularFile(in)) {
            throw CliException.usage("input '" + input + "' is not a regular file");
        }
        if (!Files.isReadable(in)) {
            throw CliException.usage("input file '" + input + "' is not readable");
        }
        if (in.equals(out)) {
            throw CliException.usage("output file must differ from the input file");
        }
        Path dir = out.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliException.usage("output directory '" + dir + "' does not exist");
        }
        if (!Files.isWritable(dir) || (Files.exists(out) && !Files.isWritable(out))) {
            throw CliException.usage("cannot write '" + output + "' (permission denied)");
        }
        if (Files.isDirectory(out)) {
            throw CliException.usage("output '" + output + "' is a directory");
        }
        return muxer;
    }

    /**
     * filesrc ! decodebin ! videoconvert ! flashvsrfilter ! videoconvert ! I420 ! x264enc !
     * h264parse ! mux ! filesink, built element by element so paths need no quoting.
     */
    /** The elements the progress line asks about. */
    private record Stages(Element convertIn, Element vsr, Element convertOut) {
    }

    private Stages build(Pipeline pipeline, PipelineRun run, Path in, Path out, String muxer) {
        Element src = GstSupport.make("filesrc", "src");
        src.set("location", in.toString());
        Element decode = GstSupport.make("decodebin", "decode");
        Element convertIn = GstSupport.make("videoconvert", "convert-in");
        Element vsr = createFilter();
        Element convertOut = GstSupport.make("videoconvert", "convert-out");
        Element i420 = GstSupport.make("capsfilter", "i420");
        // 4:2:0 keeps the H.264 stream playable everywhere (High 4:4:4 is not).
        i420.set("caps", Caps.fromString("video/x-raw,format=I420"));
        Element encode = GstSupport.make("x264enc", "encode");
        GstSupport.setArg(encode, "pass", "qual");
        GstSupport.setArg(encode, "quantizer", Integer.toString(quality));
        Element parse = GstSupport.make("h264parse", "parse");
        Element mux = GstSupport.make(muxer, "mux");
        Element sink = GstSupport.make("filesink", "sink");
        sink.set("location", out.toString());

        pipeline.addMany(src, decode, convertIn, vsr, convertOut, i420, encode, parse, mux, sink);
        if (!src.link(decode)) {
            throw CliException.failure("cannot link filesrc to decodebin");
        }
        if (!Element.linkMany(convertIn, vsr, convertOut, i420, encode, parse, mux, sink)) {
            throw CliException.failure("cannot link the upscaling pipeline (flashvsrfilter, x264enc, "
                    + muxer + ")");
        }

        AtomicBoolean videoLinked = new AtomicBoolean();
        Pad convertSink = convertIn.getStaticPad("sink");
        decode.connect((Element.PAD_ADDED) (element, pad) -> {
            Caps caps = pad.getCurrentCaps();
            if (caps == null) {
                caps = pad.queryCaps(null);
            }
            String kind = caps == null || caps.size() == 0 ? "" : caps.getStructure(0).getName();
            if (kind.startsWith("video/") && videoLinked.compareAndSet(false, true)) {
                try {
                    pad.link(convertSink);
                } catch (PadLinkException e) {
                    run.fail(new GstSupport.MessageText("cannot link the decoded video ("
                            + describeCaps(caps) + ") to videoconvert: " + e.getLinkResult(), null, null));
                }
            } else {
                // Audio, subtitles or a second video stream: consume and drop them.
                Element drop = GstSupport.make("fakesink", null);
                drop.set("sync", false);
                drop.set("async", false);
                pipeline.add(drop);
                drop.syncStateWithParent();
                try {
                    pad.link(drop.getStaticPad("sink"));
                } catch (PadLinkException ignored) {
                    // Not fatal: the stream just stays unlinked.
                }
            }
        });
        decode.connect((Element.NO_MORE_PADS) element -> {
            if (!videoLinked.get()) {
                run.fail(new GstSupport.MessageText("input file '" + input + "' has no video stream", null, null));
            }
        });
        return new Stages(convertIn, vsr, convertOut);
    }

    /** flashvsrfilter with the options given; the others keep the element's defaults. */
    Element createFilter() {
        Element vsr = GstSupport.make("flashvsrfilter", "vsr");
        GstSupport.setArg(vsr, "scale", Integer.toString(scale));
        if (model != null) {
            vsr.set("model", model);
        }
        if (backend != null) {
            GstSupport.setArg(vsr, "backend", backend);
        }
        if (colorFix != null) {
            GstSupport.setArg(vsr, "color-fix", colorFix);
        }
        if (upstreamReference) {
            vsr.set("upstream-reference", true);
        }
        if (seed != null) {
            GstSupport.setArg(vsr, "seed", Long.toString(seed));
        }
        if (noiseFile != null) {
            vsr.set("noise-file", noiseFile.toAbsolutePath().toString());
        }
        return vsr;
    }

    private static String describeCaps(Caps caps) {
        if (caps == null || caps.size() == 0) {
            return "unknown format";
        }
        Structure s = caps.getStructure(0);
        return s.toString();
    }

    private static String describe(GstSupport.MessageText f) {
        StringBuilder sb = new StringBuilder();
        if (f.debug() != null && !f.debug().isBlank()) {
            sb.append("flashvsr: debug: ").append(f.debug().strip().replace("\n", "\n  "));
        }
        if (f.source() != null) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("flashvsr: from element ").append(f.source());
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The element's frame counter, or null when it has none (older element builds). */
    private static Long framesProcessed(Element vsr) {
        try {
            Object value = vsr.get("frames-processed");
            return value instanceof Number n ? n.longValue() : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Stream time reached by the upscaled video, in nanoseconds, or -1 when unknown. Asked of the
     * videoconvert after flashvsrfilter: as a base transform it answers from the last frame it
     * passed on, where the pipeline's own query would stop at the muxer (which thinks in bytes).
     */
    private static long position(Element after, Pipeline pipeline) {
        long pos = after.queryPosition(Format.TIME);
        return pos > 0 ? pos : pipeline.queryPosition(Format.TIME);
    }

    /** Stream duration in nanoseconds, asked upstream of flashvsrfilter (the demuxer knows it). */
    private static long duration(Element before, Pipeline pipeline) {
        long dur = before.queryDuration(Format.TIME);
        return dur > 0 ? dur : pipeline.queryDuration(Format.TIME);
    }

    private static double elapsedSeconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Best effort: the error about the pipeline matters more.
        }
    }

    static String humanSize(long bytes) {
        if (bytes < 0) {
            return "size unknown";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
