package dev.flashvsr.engine.flashvsr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cache.BuildCache;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.onnx.ExternalWeights;
import dev.flashvsr.engine.onnx.WeightRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graph cache of the CPU backend on the tiny golden release: what the first open builds the
 * second reuses with the same results, weights are read where they lie and shared by the DiT
 * graphs, and a damaged entry is rebuilt with a warning.
 */
class FlashVsrGraphCacheTest {
    @TempDir
    static Path dir;
    static Path pkgDir;

    @BeforeAll
    static void importGoldenRelease() throws Exception {
        pkgDir = dir.resolve("pkg");
        FlashVsrImport.run(GoldenData.root().resolve("release-layout"), pkgDir,
                new FlashVsrImport.Settings("tiny", false, null, null, null), line -> { });
    }

    /** Records an open's steps and warnings. */
    private static final class Steps implements OpenProgress {
        final List<String> steps = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override
        public void report(String step, double fraction) {
            assertTrue(fraction >= 0 && fraction <= 1, step + ": " + fraction);
            steps.add(step);
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }

    /** Output frames of the first two chunks of a stream through graphs opened from {@code cache}. */
    private static List<float[]> stream(FlashVsrPackage pkg, BuildCache cache, Steps steps) throws Exception {
        try (FlashVsrGraphs graphs = FlashVsrGraphs.open(pkg, 256, 128, pkg.attention(),
                        GraphPrecision.of(Precision.FP32, pkg), 2, cache, steps)) {
            int channels = pkg.config().dit().inDim();
            FlashVsrStream stream = new FlashVsrStream(graphs, LatentNoise.generated(5, channels, 16, 32), null);
            Random random = new Random(3);
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < ChunkSchedule.inputsFor(1); i++) {
                float[] frame = new float[3 * 128 * 256];
                for (int j = 0; j < frame.length; j++) {
                    frame[j] = (float) Math.sin(0.02 * j + 0.4 * i) * 0.7f + 0.1f * random.nextFloat();
                }
                FlashVsrStream.Chunk chunk = stream.push(frame);
                if (chunk != null) {
                    out.addAll(chunk.frames());
                }
            }
            return out;
        }
    }

    private static Path onlyEntry(Path root) throws Exception {
        try (Stream<Path> list = Files.list(root)) {
            List<Path> entries = list.filter(Files::isDirectory).toList();
            assertEquals(1, entries.size(), entries.toString());
            return entries.get(0);
        }
    }

    @Test
    void theSecondOpenReusesWhatTheFirstBuiltWithTheSameFrames() throws Exception {
        Path root = dir.resolve("cache-reuse");
        try (FlashVsrPackage pkg = FlashVsrPackage.open(pkgDir)) {
            Steps first = new Steps();
            List<float[]> built = stream(pkg, new BuildCache(root, first.warnings::add), first);
            assertTrue(first.steps.get(0).startsWith("building the FlashVSR graphs for 256x128"), first.steps.get(0));
            Path entry = onlyEntry(root);
            Set<String> files;
            try (Stream<Path> list = Files.list(entry)) {
                files = list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            }
            assertEquals(Set.of("entry.json", "weights.bin", "weights.json", "dit_chunk0.onnx", "dit_later.onnx"), files);
            long sealed = Files.getLastModifiedTime(entry.resolve(BuildCache.ENTRY_FILE)).toMillis();

            Steps second = new Steps();
            List<float[]> cached = stream(pkg, new BuildCache(root, second.warnings::add), second);
            assertTrue(second.steps.stream().noneMatch(s -> s.startsWith("building")), second.steps.toString());
            assertEquals(sealed, Files.getLastModifiedTime(entry.resolve(BuildCache.ENTRY_FILE)).toMillis());
            assertEquals(ChunkSchedule.firstOutput(2), built.size());
            for (int i = 0; i < built.size(); i++) {
                assertArrayEquals(built.get(i), cached.get(i), "frame " + i);
            }
            assertTrue(first.warnings.isEmpty() && second.warnings.isEmpty());
        }
    }

    @Test
    void float32WeightsAreReadWhereTheyLieAndBothDitGraphsShareThem() throws Exception {
        Path root = dir.resolve("cache-shared");
        try (FlashVsrPackage pkg = FlashVsrPackage.open(pkgDir);
                FlashVsrGraphs graphs = FlashVsrGraphs.open(pkg, 256, 128, pkg.attention(),
                        GraphPrecision.of(Precision.FP32, pkg), 2,
                        new BuildCache(root, w -> { }), OpenProgress.NONE)) {
            Path entry = onlyEntry(root);
            List<WeightRef> refs = ExternalWeights.readIndex(entry);
            assertTrue(refs.stream().anyMatch(r -> r.root().equals(FlashVsrGraphs.PACKAGE_ROOT)
                    && r.file().equals(FlashVsrRelease.DIT_FILE) && r.name().endsWith("ffn.0.weight")),
                    "DiT weights referred to in the package's safetensors");
            assertTrue(refs.stream().anyMatch(r -> r.root().equals(FlashVsrGraphs.PACKAGE_ROOT)
                    && r.file().equals(FlashVsrRelease.TC_DECODER_FILE)), "decoder weights in its checkpoint");
            assertTrue(refs.stream().anyMatch(r -> r.root().equals(ExternalWeights.ENTRY_ROOT)
                    && r.name().startsWith("conv1.weight")), "the BF16 projector converted into the entry");
            Set<String> first = inputs(entry.resolve("dit_chunk0.onnx"));
            Set<String> later = inputs(entry.resolve("dit_later.onnx"));
            Set<String> shared = new HashSet<>(first);
            shared.retainAll(later);
            Set<String> weightNames = refs.stream().map(WeightRef::name).collect(Collectors.toSet());
            shared.retainAll(weightNames);
            assertTrue(shared.size() > 20, "weights used by both DiT graphs: " + shared.size());
            long distinct = refs.stream().map(r -> r.root() + "/" + r.file() + "@" + r.offset())
                    .distinct().count();
            assertEquals(refs.size(), distinct, "each weight is stored once");
            long all = refs.stream().mapToLong(WeightRef::length).sum();
            assertEquals(all, graphs.mappedWeightBytes(), "every weight mapped exactly once");
            assertTrue(Files.size(entry.resolve("dit_chunk0.onnx")) < all, "the graphs hold no large weight");
        }
    }

    private static Set<String> inputs(Path model) throws Exception {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = OrtRuntime.ENV.createSession(Files.readAllBytes(model), options)) {
            return new HashSet<>(session.getInputNames());
        }
    }

    @Test
    void aDamagedEntryIsRebuiltWithAWarningAndStreamsTheSameFrames() throws Exception {
        Path root = dir.resolve("cache-damaged");
        try (FlashVsrPackage pkg = FlashVsrPackage.open(pkgDir)) {
            List<float[]> built = stream(pkg, new BuildCache(root, w -> { }), new Steps());
            Path weights = onlyEntry(root).resolve(ExternalWeights.DATA_FILE);
            byte[] bytes = Files.readAllBytes(weights);
            bytes[bytes.length / 2] ^= 0x40;
            Files.write(weights, bytes);
            Steps steps = new Steps();
            List<float[]> rebuilt = stream(pkg, new BuildCache(root, steps::warning), steps);
            assertEquals(1, steps.warnings.size(), steps.warnings.toString());
            assertTrue(steps.warnings.get(0).contains("damaged weights.bin"), steps.warnings.get(0));
            for (int i = 0; i < built.size(); i++) {
                assertArrayEquals(built.get(i), rebuilt.get(i), "frame " + i);
            }
        }
    }
}
