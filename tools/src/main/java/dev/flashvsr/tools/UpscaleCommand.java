package dev.flashvsr.tools;

import dev.flashvsr.engine.files.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.State;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flashvsr upscale IN OUT}: decodes any file GStreamer can read, upscales its video with
 * flashvsrfilter and writes it with the codec and encoder chosen (H.264 by default) in MP4,
 * QuickTime or Matroska, with the input's audio and subtitle streams (see {@link OtherStreams}).
 */
@Command(name = "upscale",
        mixinStandardHelpOptions = true,
        description = {"Upscale the video of IN with flashvsrfilter and write it to OUT: H.264",
                "unless --codec says otherwise, by the first encoder that works (hardware first).",
                "With a folder as IN, every video in it goes to the same path under the",
                "folder OUT (see --recursive and --overwrite); the run goes on past a failed",
                "file and ends with a table of every file.",
                "OUT must end in .mp4, .mov or .mkv. Audio and subtitle streams are copied as",
                "they are, or re-encoded (audio) or dropped with a warning where OUT's",
                "container cannot hold them (see --streams, --no-audio). The video is written to a",
                "hidden folder beside OUT (.OUT.flashvsr-XXXXXXXX.part/) and renamed to OUT",
                "when complete, so a failed run leaves an existing OUT as it was. An input",
                "that ends before the frames it declares (a cut or damaged file) is upscaled",
                "as far as it goes, with a warning giving both counts."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (also for a truncated input, after its warning)",
                "1:the pipeline failed; OUT is left as it was (folders: a file failed, the others are done)",
                "2:bad arguments or unusable files (OUT naming IN through a link counts, as does a folder OUT"
                        + " inside the folder IN, an OUT whose container cannot hold the codec, and no usable"
                        + " encoder); nothing is written",
                "130:interrupted (Ctrl-C); the frames so far become OUT (folders: the current file is"
                        + " discarded, the summary printed)"})
final class UpscaleCommand implements Callable<Integer> {

    /**
     * How long Ctrl-C waits for the file to be finished (the frames already in the model and in
     * x264's look-ahead are still encoded) before the JVM exits anyway, leaving OUT as it was.
     */
    static final Duration INTERRUPT_GRACE = Duration.ofSeconds(15);
    private static final long PROGRESS_INTERVAL_MS = 500;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Input video file, or a folder of them.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output file (.mp4 or .mkv); replaced if it exists"
            + " (a link: the link itself, not the file it points to). With a folder as IN: the output folder,"
            + " created if missing, outside IN.")
    Path output;

    @Option(names = "--scale", paramLabel = "2|4", defaultValue = "4",
            description = "Upscaling factor, 2 or 4 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--model", paramLabel = "M",
            description = "Model name or model package path (default: the element's default model).")
    String model;

    @Option(names = "--backend", paramLabel = "auto|cpu|cuda|tensorrt",
            description = "Where the model runs (default: the element's default, normally auto).")
    String backend;

    @Option(names = "--precision", paramLabel = "auto|fp32|fp16|bf16|int8",
            description = "Arithmetic the model runs in; a variant the model lacks fails naming those it has"
                    + " (default: the element's, auto: the best the backend runs well).")
    String precision;

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

    @Option(names = "--engine-cache", paramLabel = "DIR",
            description = "Where backend tensorrt keeps the engines it builds (default: $XDG_CACHE_HOME/flashvsr/engines).")
    Path engineCache;

    @Option(names = "--engine-sizes", paramLabel = "MINWxMINH-MAXWxMAXH",
            description = "Input sizes each tensorrt engine accepts, e.g. 640x360-1920x1080 (default: the input's size).")
    String engineSizes;

    @Option(names = "--noise-file", paramLabel = "FILE",
            description = "Diffusion models: safetensors file whose 'noise' tensor replaces the generated noise.")
    Path noiseFile;

    @Option(names = "--codec", paramLabel = "h264|h265|av1|prores|ffv1",
            description = "Video codec written (default: the one --encoder makes, otherwise h264). prores needs"
                    + " .mov or .mkv, ffv1 .mkv.")
    String codecName;

    @Option(names = "--encoder", paramLabel = "NAME",
            description = "GStreamer encoder to use instead of the first that works, e.g. x265enc (see the README"
                    + " for the order of choice).")
    String encoderName;

    @Option(names = "--quality", paramLabel = "Q",
            description = "Constant quality on one scale for every codec, 0-51, lower is better (x264's CRF;"
                    + " default: " + QualityMapping.DEFAULT + "). Not for prores or ffv1.")
    Integer quality;

    @Option(names = "--bit-depth", paramLabel = "8|10",
            description = "Bits per sample written (default: 8; prores: 10). 10 needs an encoder that takes"
                    + " 10-bit input.")
    Integer bitDepth;

    /** From --codec and --encoder, set by {@link #validateOptions()}. */
    private VideoCodec codec;

    @Option(names = "--max-memory", paramLabel = "MIB",
            description = "Working memory the upscaling may take, in MiB; larger frames are tiled to fit"
                    + " (default: the element's automatic budget, a quarter of the machine's memory).")
    Long maxMemory;

    @Option(names = "--streams", paramLabel = "LIST",
            description = "Which other streams of IN to keep: all (default), none, or a comma-separated list of"
                    + " audio, subtitle, a:N and s:N (the N-th audio or subtitle stream, from 0), e.g. a:0,subtitle.")
    String streams;

    @Option(names = "--no-audio", description = "Drop every audio stream (whatever --streams says).")
    boolean noAudio;

    /** --streams and --no-audio, checked. */
    private StreamSelection streamSelection;

    @Option(names = {"-q", "--quiet"}, description = "Do not print the progress line (folders: only the summary).")
    boolean quiet;

    @Option(names = {"-r", "--recursive"}, description = "Folders: also upscale the videos in IN's sub-folders.")
    boolean recursive;

    @Option(names = "--overwrite", description = "Folders: upscale again the files whose output is already there.")
    boolean overwrite;

    @Override
    public Integer call() throws InterruptedException {
        validateOptions();
        if (Files.isDirectory(input)) {
            return upscaleFolder();
        }
        if (Files.isDirectory(output)) {
            throw CliException.usage("output '" + output + "' is a folder, but IN is a file: name the output file,"
                    + " e.g. '" + output.resolve(FolderPaths.outputName(input.getFileName(), codec)) + "'");
        }
        String muxer = OutputContainer.check(output.getFileName() == null ? "" : output.getFileName().toString(),
                codec).muxer();
        Path in = inputFile();
        Path out = outputFile(in);
        Path shown = output.toAbsolutePath().normalize();

        GstSupport.init();
        PrintWriter err = spec.commandLine().getErr();
        VideoEncoding encoding = chooseEncoding(err);
        StagedOutput staged;
        try {
            staged = StagedOutput.beside(out);
        } catch (IOException e) {
            throw CliException.usage("cannot write '" + output + "': " + ErrorText.describe(e));
        }
        AtomicReference<UpscalePipeline> running = new AtomicReference<>();
        try (staged; ShutdownGuard guard = new ShutdownGuard(staged, () -> endInput(running), INTERRUPT_GRACE, err)) {
            UpscalePipeline pipeline = new UpscalePipeline(in, input.toString(), createFilter(), encoding, muxer,
                    staged.path(), streamSelection);
            running.set(pipeline);
            return upscale(pipeline, staged, guard, shown, err);
        }
    }

    /** Folder mode: the work is in {@link FolderUpscale}, with a new filter for each file. */
    private int upscaleFolder() throws InterruptedException {
        FolderPaths paths = FolderPaths.check(input, output);
        GstSupport.init();
        PrintWriter err = spec.commandLine().getErr();
        FolderFileUpscale files = new FolderFileUpscale(this::createFilter, chooseEncoding(err), streamSelection, quiet,
                err);
        try (FolderInterrupt interrupt = new FolderInterrupt(INTERRUPT_GRACE.plusSeconds(5))) {
            return new FolderUpscale(paths, recursive, overwrite, quiet, files, interrupt, spec.commandLine().getOut(),
                    err).run();
        }
    }

    /** The encoder for --codec, --encoder and --bit-depth, named on stderr (unless --quiet) with why it was chosen. */
    private VideoEncoding chooseEncoding(PrintWriter err) {
        int depth = bitDepth != null ? bitDepth : codec.defaultBitDepth();
        EncoderChoice choice = EncoderChoice.choose(codec, encoderName, depth, new GstEncoderSupport());
        if (!quiet) {
            err.println("flashvsr: " + choice.describe());
        }
        return new VideoEncoding(choice, quality != null ? quality : QualityMapping.DEFAULT);
    }

    /** Ctrl-C: ends the input so that the muxer finishes a playable file with the frames so far. */
    private static void endInput(AtomicReference<UpscalePipeline> running) {
        UpscalePipeline pipeline = running.get();
        if (pipeline != null) {
            pipeline.endInput();
        }
    }

    private int upscale(UpscalePipeline pipeline, StagedOutput staged, ShutdownGuard guard, Path shown,
            PrintWriter err) throws InterruptedException {
        Progress progress = new Progress(err, quiet);
        long started = System.nanoTime();
        PipelineRun run = pipeline.run();
        DeclaredLength declared = null;
        try {
            if (guard.stopRequested()) {
                // Ctrl-C came before the pipeline existed; the guard says that nothing was written.
                return FlashVsrCli.EXIT_INTERRUPTED;
            }
            if (run.setState(State.PLAYING)) {
                while (!run.await(PROGRESS_INTERVAL_MS)) {
                    if (guard.stopRequested()) {
                        // Again: an EOS sent while the pipeline was still starting may have been lost.
                        pipeline.endInput();
                    }
                    run.takeNotices().forEach(progress::message);
                    progress.update(run.startUp(), pipeline.framesProcessed(), elapsedSeconds(started),
                            pipeline.position(), pipeline.duration());
                }
            }
            run.takeNotices().forEach(progress::message);
            if (run.reachedEndOfStream()) {
                declared = pipeline.declaredLength();
            }
        } finally {
            progress.finish();
            pipeline.close();
        }
        double seconds = elapsedSeconds(started);

        if (!run.reachedEndOfStream()) {
            GstSupport.MessageText f = run.failure() != null ? run.failure()
                    : new GstSupport.MessageText("the pipeline stopped before the end of the input", null, null);
            throw new CliException(FlashVsrCli.EXIT_FAILURE, f.message(), describe(f));
        }
        long frames = pipeline.framesWritten();
        boolean interrupted = guard.stopRequested();
        if (frames == 0) {
            if (interrupted) {
                return FlashVsrCli.EXIT_INTERRUPTED;
            }
            throw CliException.failure("no video frame of '" + input + "' could be decoded: the file is damaged"
                    + " or cut before its first frame");
        }
        String unfinished = pipeline.finishFile();
        if (unfinished != null) {
            err.println("flashvsr: warning: " + unfinished);
        }
        try {
            staged.commit();
        } catch (IOException e) {
            throw CliException.failure("cannot move the upscaled video to '" + output + "': "
                    + ErrorText.describe(e));
        }
        String truncated = interrupted ? null : declared.truncationWarning(input.toString(), pipeline.framesDecoded());
        if (truncated != null) {
            err.println(truncated);
        }
        String fps = seconds > 0 ? String.format(Locale.ROOT, "%.1f", frames / seconds) : "?";
        err.printf(Locale.ROOT, "flashvsr: %s%d frames in %.1f s (%s fps) -> %s (%s)%n",
                interrupted ? "interrupted after " : "upscaled ", frames, seconds, fps, shown,
                humanSize(sizeOf(staged.destination())));
        err.flush();
        return interrupted ? FlashVsrCli.EXIT_INTERRUPTED : FlashVsrCli.EXIT_OK;
    }

    /** Checks the options common to files and folders. */
    private void validateOptions() {
        if (scale != 2 && scale != 4) {
            throw CliException.usage("--scale must be 2 or 4, not " + scale);
        }
        validateEncoding();
        if (backend != null) {
            backend = EngineChoices.backend(backend).nick();
        }
        if (precision != null) {
            precision = EngineChoices.precision(precision).nick();
        }
        if (colorFix != null) {
            String c = colorFix.toLowerCase(Locale.ROOT);
            if (!c.equals("adain") && !c.equals("wavelet") && !c.equals("none")) {
                throw CliException.usage("--color-fix must be adain, wavelet or none, not '" + colorFix + "'");
            }
            colorFix = c;
        }
        if (maxMemory != null && maxMemory < 1) {
            throw CliException.usage("--max-memory must be a positive number of MiB, not " + maxMemory);
        }
        if (seed != null && seed < 0) {
            throw CliException.usage("--seed must not be negative, got " + seed);
        }
        if (noiseFile != null) {
            try {
                ModelFiles.regularFile(noiseFile);
            } catch (IOException e) {
                throw CliException.usage("--noise-file: " + e.getMessage());
            }
        }
        if (model != null && model.isBlank()) {
            throw CliException.usage("--model must not be empty");
        }
        streamSelection = StreamSelection.parse(streams, noAudio);
    }

    /** Sets {@link #codec} and checks --quality and --bit-depth against it. */
    private void validateEncoding() {
        codec = codecName != null ? VideoCodec.parse(codecName)
                : encoderName != null ? EncoderCatalog.named(encoderName).codec() : VideoCodec.H264;
        if (quality != null && !codec.hasQuality()) {
            throw CliException.usage("--quality does not apply to --codec " + codec.option() + " ("
                    + (codec == VideoCodec.FFV1 ? "lossless" : "written as ProRes 422 HQ") + "); leave it out");
        }
        if (quality != null && (quality < 0 || quality > QualityMapping.MAX)) {
            throw CliException.usage("--quality must be between 0 and " + QualityMapping.MAX + ", not " + quality);
        }
        if (bitDepth != null && bitDepth != 8 && bitDepth != 10) {
            throw CliException.usage("--bit-depth must be 8 or 10, not " + bitDepth);
        }
    }

    /** IN, checked and with every link resolved. */
    private Path inputFile() {
        if (!Files.exists(input)) {
            throw CliException.usage("input file '" + input + "' does not exist");
        }
        if (!Files.isRegularFile(input)) {
            throw CliException.usage("input '" + input + "' is not a regular file");
        }
        if (!Files.isReadable(input)) {
            throw CliException.usage("input file '" + input + "' is not readable");
        }
        try {
            return input.toRealPath();
        } catch (IOException e) {
            throw CliException.usage("cannot read input file '" + input + "': " + ErrorText.describe(e));
        }
    }

    /**
     * OUT in its folder's real path (links in the folder path resolved, OUT's own name kept), after
     * checking that it is not IN or the noise file under another name: a link, a hard link, a
     * linked folder or another spelling of the same path.
     */
    private Path outputFile(Path in) {
        Path out = OutputPaths.inExistingParent(output, "OUT");
        if (OutputPaths.sameFile(in, out)) {
            throw CliException.usage("OUT '" + output + "' is the same file as IN '" + input
                    + "' (through a link or another spelling of its path); choose a different output file");
        }
        if (noiseFile != null && OutputPaths.sameFile(noiseFile, out)) {
            throw CliException.usage("OUT '" + output + "' is the same file as --noise-file '" + noiseFile
                    + "'; choose a different output file");
        }
        if (Files.exists(out) && !Files.isWritable(out)) {
            throw CliException.usage("cannot write '" + output + "' (permission denied)");
        }
        return out;
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
        if (precision != null) {
            GstSupport.setArg(vsr, "precision", precision);
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
        if (engineCache != null) {
            vsr.set("engine-cache", engineCache.toAbsolutePath().toString());
        }
        if (engineSizes != null) {
            vsr.set("engine-sizes", engineSizes);
        }
        if (noiseFile != null) {
            vsr.set("noise-file", noiseFile.toAbsolutePath().toString());
        }
        if (maxMemory != null) {
            GstSupport.setArg(vsr, "max-memory", Long.toString(maxMemory));
        }
        return vsr;
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
