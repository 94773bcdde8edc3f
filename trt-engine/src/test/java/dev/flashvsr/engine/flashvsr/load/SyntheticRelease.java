package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.weights.DType;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.StreamedWeightFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a synthetic FlashVSR v1.1 release: the official file names and formats, tensor names,
 * shapes and dtypes (FP32 safetensors DiT, BF16 projector checkpoint, FP32 TCDecoder checkpoint,
 * BF16 text context), random weights ({@link SyntheticValues}) and a chosen number of DiT layers
 * (30 is the real size: a 5,676,070,392-byte DiT file, 6.4 GB in all). Files are streamed, so a
 * small heap writes any size. For tests at real size and {@code scripts/flashvsr-scale-check.sh}:
 * <pre>
 *   java -cp trt-engine/target/test-classes:tools/target/lib/* \
 *       dev.flashvsr.engine.flashvsr.load.SyntheticRelease OUT_DIR --layers N [--seed S]
 * </pre>
 */
public final class SyntheticRelease {
    public static final int FULL_LAYERS = 30;
    /** Token count of the official posi_prompt.pth ([1, 512, 4096]). */
    static final int PROMPT_TOKENS = 512;
    private static final String USAGE = "usage: SyntheticRelease OUT_DIR --layers N (1-" + FULL_LAYERS
            + ") [--seed S]";

    private SyntheticRelease() {
    }

    /** FlashVSR v1.1 with {@code layers} DiT blocks. */
    public static FlashVsrConfig config(int layers) {
        FlashVsrConfig v = FlashVsrConfig.V1_1;
        FlashVsrConfig.Dit d = v.dit();
        return new FlashVsrConfig(new FlashVsrConfig.Dit(d.dim(), d.ffnDim(), layers, d.numHeads(), d.inDim(),
                d.outDim(), d.textDim(), d.freqDim(), d.patchSize(), d.eps(), d.ropeTheta(), d.ropeTablePositions(),
                d.lqTokenLayers(), d.attentionBlockWindow()), v.lqProj(), v.tcDecoder(), v.streaming());
    }

    /** Size of the DiT file with {@code layers} blocks, header included. */
    public static long ditFileSize(int layers) {
        Map<String, long[]> tensors = ExpectedTensors.dit(config(layers).dit());
        return 8 + StreamedWeightFiles.safeTensorsHeader(tensors).length + DType.F32.size() * elements(tensors);
    }

    /** The tensor data of all four files (their headers and directories add less than a megabyte). */
    public static long dataBytes(int layers) {
        FlashVsrConfig c = config(layers);
        return DType.F32.size() * (elements(ExpectedTensors.dit(c.dit())) + elements(ExpectedTensors.tcDecoder(
                c.tcDecoder()))) + DType.BF16.size() * (elements(ExpectedTensors.lqProj(c.lqProj()))
                + (long) PROMPT_TOKENS * c.dit().textDim());
    }

    static long elements(Map<String, long[]> tensors) {
        return tensors.values().stream().mapToLong(FloatTensor::elementCount).sum();
    }

    /**
     * Writes the four release files into {@code folder} (created if missing; it must hold none of
     * them), each tensor's values drawn from {@code seed} and its name.
     */
    public static void write(Path folder, int layers, long seed, Consumer<String> progress) throws IOException {
        checkLayers(layers);
        Files.createDirectories(folder);
        for (Path file : files(folder).toList()) {
            if (Files.exists(file)) {
                throw new IOException(file + " already exists: write the release into a new folder");
            }
        }
        FlashVsrConfig c = config(layers);
        SyntheticValues values = new SyntheticValues(seed);
        Path dit = timed(folder.resolve(FlashVsrRelease.DIT_FILE), progress, f ->
                StreamedWeightFiles.writeSafeTensors(f, ExpectedTensors.dit(c.dit()), values));
        timed(folder.resolve(FlashVsrRelease.LQ_PROJ_FILE), progress, f ->
                StreamedWeightFiles.writeTorchStateDict(f, DType.BF16, ExpectedTensors.lqProj(c.lqProj()), values));
        timed(folder.resolve(FlashVsrRelease.TC_DECODER_FILE), progress, f -> StreamedWeightFiles
                .writeTorchStateDict(f, DType.F32, ExpectedTensors.tcDecoder(c.tcDecoder()), values));
        timed(folder.resolve(FlashVsrRelease.PROMPT_FILE), progress, f -> StreamedWeightFiles.writeTorchTensor(f,
                DType.BF16, SyntheticValues.TEXT_CONTEXT, new long[] {1, PROMPT_TOKENS, c.dit().textDim()}, values));
        if (Files.size(dit) != ditFileSize(layers)) {
            throw new IllegalStateException(dit + " has " + Files.size(dit) + " bytes, the layout says "
                    + ditFileSize(layers));
        }
    }

    private interface FileWriting {
        void write(Path file) throws IOException;
    }

    private static Path timed(Path file, Consumer<String> progress, FileWriting writing) throws IOException {
        long start = System.nanoTime();
        writing.write(file);
        progress.accept(String.format(Locale.ROOT, "  %s: %,d bytes in %.1f s", file.getFileName(), Files.size(file),
                (System.nanoTime() - start) / 1e9));
        return file;
    }

    private static void checkLayers(int layers) {
        if (layers < 1 || layers > FULL_LAYERS) {
            throw new IllegalArgumentException("--layers " + layers + " is out of range: FlashVSR's DiT has 1 to "
                    + FULL_LAYERS + " blocks (" + FULL_LAYERS + " = the real size)");
        }
    }

    /** The command line: {@code OUT_DIR --layers N [--seed S]}. */
    record Options(Path out, int layers, long seed) {
        static Options parse(String... args) {
            Path out = null;
            Integer layers = null;
            long seed = 1;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--layers") || arg.equals("--seed")) {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(arg + " needs a value; " + USAGE);
                    }
                    String value = args[++i];
                    try {
                        if (arg.equals("--layers")) {
                            layers = Integer.parseInt(value);
                        } else {
                            seed = Long.parseLong(value);
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(arg + " '" + value + "' is not an integer; " + USAGE, e);
                    }
                } else if (arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
                } else if (out == null) {
                    out = Path.of(arg);
                } else {
                    throw new IllegalArgumentException("more than one output folder (" + out + ", " + arg + "); "
                            + USAGE);
                }
            }
            if (out == null || layers == null) {
                throw new IllegalArgumentException((out == null ? "no output folder" : "no --layers") + "; " + USAGE);
            }
            try {
                checkLayers(layers);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + "; " + USAGE, e);
            }
            return new Options(out, layers, seed);
        }
    }

    /** Fails unless {@code usable} bytes hold {@code needed} ones, naming both in GB. */
    static void checkSpace(Path folder, long needed, long usable) throws IOException {
        if (usable < needed) {
            throw new IOException(String.format(Locale.ROOT, "%s: the release needs %.1f GB, only %.1f GB are free;"
                    + " choose another folder or fewer --layers", folder, needed / 1e9, usable / 1e9));
        }
    }

    /** The free space where {@code folder} is or will be created. */
    private static long usableSpace(Path folder) throws IOException {
        Path existing = folder.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing).getUsableSpace();
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SyntheticRelease: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            long needed = dataBytes(options.layers()) + (1 << 20);
            checkSpace(options.out(), needed, usableSpace(options.out()));
            System.out.printf(Locale.ROOT, "writing a synthetic FlashVSR v1.1 release with %d of %d DiT layers (%.1f"
                    + " GB) to %s%n", options.layers(), FULL_LAYERS, needed / 1e9, options.out());
            long start = System.nanoTime();
            write(options.out(), options.layers(), options.seed(), System.out::println);
            System.out.printf(Locale.ROOT, "wrote %s in %.1f s%n", options.out(), (System.nanoTime() - start) / 1e9);
        } catch (IOException | RuntimeException e) {
            System.err.println("SyntheticRelease: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The four release files in {@code folder}. */
    static Stream<Path> files(Path folder) {
        return Stream.of(FlashVsrRelease.DIT_FILE, FlashVsrRelease.LQ_PROJ_FILE, FlashVsrRelease.TC_DECODER_FILE,
                FlashVsrRelease.PROMPT_FILE).map(folder::resolve);
    }
}
