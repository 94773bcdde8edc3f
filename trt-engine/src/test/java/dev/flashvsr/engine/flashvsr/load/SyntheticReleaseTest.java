package dev.flashvsr.engine.flashvsr.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.weights.DType;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.TensorInfo;
import dev.flashvsr.engine.weights.WeightSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic release writer: its command line writes a 1-layer release with a 64 MB heap (far
 * less than its largest tensor as floats), our loader accepts the result, and the files have the
 * official sizes, dtypes and layout.
 */
class SyntheticReleaseTest {
    /** The official v1.1 DiT file. */
    private static final long OFFICIAL_DIT_BYTES = 5_676_070_392L;
    /** Official parameter counts (notes/flashvsr.md). */
    private static final long PROJECTOR_PARAMETERS = 287_845_888L;
    private static final long DECODER_PARAMETERS = 45_338_371L;
    /** conv2.weight of the projector as floats: what a writer holding one whole tensor would need. */
    private static final long LARGEST_TENSOR_AS_FLOATS = 4L * 3072 * 2048 * 4 * 3 * 3;
    /** Zip entries, their padding and the pickle: a few KB per checkpoint. */
    private static final long CHECKPOINT_OVERHEAD_LIMIT = 64 << 10;

    @TempDir
    Path tmp;

    @Test
    void fullSizeDitFileHasTheOfficialSize() {
        assertEquals(OFFICIAL_DIT_BYTES, SyntheticRelease.ditFileSize(SyntheticRelease.FULL_LAYERS));
        assertTrue(SyntheticRelease.ditFileSize(12) > (2L << 30), "12 layers already exceed 2 GiB");
    }

    @Test
    void commandLineWritesAOneLayerReleaseInASmallHeapThatTheLoaderAccepts() throws Exception {
        Path folder = tmp.resolve("release");
        long heap = 64L << 20;
        assertTrue(heap < LARGEST_TENSOR_AS_FLOATS / 8);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (heap >> 20) + "m", "-cp", System.getProperty("java.class.path"),
                SyntheticRelease.class.getName(), folder.toString(), "--layers", "1", "--seed", "7")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output);
        System.out.print(output);
        assertTrue(output.contains("1 of 30 DiT layers") && output.contains("wrote " + folder), output);

        assertEquals(SyntheticRelease.ditFileSize(1), Files.size(folder.resolve(FlashVsrRelease.DIT_FILE)));
        try (FlashVsrRelease release = FlashVsrRelease.open(folder)) {
            assertEquals(SyntheticRelease.config(1), release.config(), "v1.1 with 1 layer, from the weights alone");
            checkDtypeAndCount(release.dit(), DType.F32, SyntheticRelease.elements(
                    ExpectedTensors.dit(SyntheticRelease.config(1).dit())));
            checkDtypeAndCount(release.lqProj(), DType.BF16, PROJECTOR_PARAMETERS);
            checkDtypeAndCount(release.tcDecoder(), DType.F32, DECODER_PARAMETERS);
            checkCheckpointSize(folder.resolve(FlashVsrRelease.LQ_PROJ_FILE), 2 * PROJECTOR_PARAMETERS);
            checkCheckpointSize(folder.resolve(FlashVsrRelease.TC_DECODER_FILE), 4 * DECODER_PARAMETERS);
            checkCheckpointSize(folder.resolve(FlashVsrRelease.PROMPT_FILE), 2L * 512 * 4096);
            for (String name : release.dit().names()) {
                assertEquals(0, release.dit().info(name).dataBegin() % 64, name + " starts 64-byte aligned");
            }
            assertArrayEquals(new long[] {1, 512, 4096}, release.textContext().shape());
            assertWithin(release.textContext(), -1, 1);

            FloatTensor ffn = release.dit().readTensor("blocks.0.ffn.0.weight");
            double std = Math.sqrt(meanSquare(ffn));
            double wanted = 0.5 / Math.sqrt(1536);
            assertEquals(wanted, std, wanted * 0.01, "weights: std 0.5 / sqrt(fan-in)");
            assertWithin(release.dit().readTensor("blocks.0.self_attn.norm_q.weight"), 0.9f, 1.1f);
            // BF16 rounding may move a value by up to 2^-8 of its magnitude.
            assertWithin(release.lqProj().readTensor("norm2.gamma"), 0.89f, 1.11f);
            assertWithin(release.tcDecoder().readTensor("decoder.26.bias"), -0.02f, 0.02f);
            assertWithin(release.dit().readTensor("blocks.0.modulation"), -0.05f, 0.05f);
        }
    }

    @Test
    void aSecondWriteIntoTheSameFolderIsRefused() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(folder.resolve(FlashVsrRelease.PROMPT_FILE), "not mine");
        IOException e = assertThrows(IOException.class, () -> SyntheticRelease.write(folder, 1, 1, line -> { }));
        assertTrue(e.getMessage().contains(FlashVsrRelease.PROMPT_FILE + " already exists"), e.getMessage());
        assertEquals("not mine", Files.readString(folder.resolve(FlashVsrRelease.PROMPT_FILE)));
        assertEquals(List.of(folder.resolve(FlashVsrRelease.PROMPT_FILE)), Files.list(folder).toList());
    }

    @Test
    void badCommandLinesAreRefusedWithTheUsage() {
        assertEquals(new SyntheticRelease.Options(Path.of("out"), 30, 1), SyntheticRelease.Options.parse("out",
                "--layers", "30"));
        assertEquals(new SyntheticRelease.Options(Path.of("out"), 12, -5), SyntheticRelease.Options.parse("--seed",
                "-5", "--layers", "12", "out"));
        refused("--layers 0 is out of range", "out", "--layers", "0");
        refused("--layers 31 is out of range", "out", "--layers", "31");
        refused("--layers 'x' is not an integer", "out", "--layers", "x");
        refused("--seed needs a value", "out", "--layers", "1", "--seed");
        refused("no --layers", "out");
        refused("no output folder", "--layers", "1");
        refused("unknown option --size", "out", "--layers", "1", "--size", "32x32");
        refused("more than one output folder", "a", "b", "--layers", "1");
    }

    @Test
    void tooLittleFreeSpaceIsAnErrorNamingBothSizes() throws IOException {
        SyntheticRelease.checkSpace(tmp, 10, 10);
        IOException e = assertThrows(IOException.class, () -> SyntheticRelease.checkSpace(tmp,
                SyntheticRelease.dataBytes(30), 3_000_000_000L));
        assertTrue(e.getMessage().contains("needs 6.4 GB, only 3.0 GB are free"), e.getMessage());
        assertTrue(e.getMessage().startsWith(tmp.toString()), e.getMessage());
    }

    private static void refused(String fragment, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticRelease.Options.parse(args));
        assertTrue(e.getMessage().contains(fragment) && e.getMessage().contains("usage: SyntheticRelease OUT_DIR"),
                e.getMessage());
    }

    private static void checkDtypeAndCount(WeightSource source, DType dtype, long parameters) {
        long total = 0;
        List<String> wrongType = new ArrayList<>();
        for (String name : source.names()) {
            TensorInfo info = source.info(name);
            total += FloatTensor.elementCount(info.shape());
            if (info.dtype() != dtype) {
                wrongType.add(name + " " + info.dtype());
            }
        }
        assertEquals(List.of(), wrongType, source.origin() + " holds " + dtype + " only");
        assertEquals(parameters, total, source.origin() + ": parameter count");
    }

    private static void checkCheckpointSize(Path file, long dataBytes) throws IOException {
        long size = Files.size(file);
        assertTrue(size > dataBytes && size < dataBytes + CHECKPOINT_OVERHEAD_LIMIT,
                file + ": " + size + " bytes for " + dataBytes + " bytes of data");
    }

    private static double meanSquare(FloatTensor t) {
        double sum = 0;
        for (float v : t.data()) {
            sum += (double) v * v;
        }
        return sum / t.data().length;
    }

    private static void assertWithin(FloatTensor t, float low, float high) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : t.data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= low && max <= high && max > min, "values in [" + min + ", " + max + "], wanted within ["
                + low + ", " + high + "]");
    }
}
