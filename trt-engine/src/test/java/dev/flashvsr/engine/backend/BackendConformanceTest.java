package dev.flashvsr.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cpu.PackageCopies;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.flashvsr.FlashVsrImport;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.gpu.CudaProvider;
import dev.flashvsr.engine.tensorrt.backend.TensorRtProvider;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming contract every backend keeps, run over every provider {@link Backends#discovered()}
 * finds, every model below that the provider can run, and every precision both the model and the
 * provider have. A provider that is not usable on this machine is skipped with its reason. The
 * cuda and tensorrt providers also run here with CUDA emulated on the host ({@link HostCuda}) and
 * TensorRT's part on ONNX Runtime ({@link OrtTrtRuntime}), so their frame paths and state handling
 * are held to the contract on machines without a GPU. Shipped
 * packages that gain fp16, bf16 or int8 graphs are covered without changing this test.
 */
class BackendConformanceTest {
    private static final int WIDTH = 32;
    private static final int HEIGHT = 24;
    private static final int FRAMES = 5;

    /**
     * How far a precision variant's output may be from the same provider's fp32 output on the same
     * frames: mean absolute difference over all samples, in 8-bit levels. About 0.02 dB of PSNR
     * for fp16 and 0.1 dB for int8 at the models' ~35 dB, the targets.
     */
    static final Map<Precision, Double> TOLERANCE_VS_FP32 = Map.of(
            Precision.FP16, 0.5,
            Precision.BF16, 2.0,
            Precision.INT8, 2.0);

    @TempDir
    static Path dir;

    /** The models each provider is tried on. */
    private static List<ModelDefinition> definitions;

    @BeforeAll
    static void defineModels() throws Exception {
        definitions = new ArrayList<>();
        for (String name : List.of(Models.VSR_SMALL, Models.VSR_SMALL_FAST, "bicubic")) {
            definitions.add(Models.definition(name));
        }
        // x2 only, with an fp16 variant (the fp32 graph again): covers a missing scale and the
        // variant comparison until the shipped packages have variants of their own.
        byte[] fp32Graph = Files.readAllBytes(PackageCopies.VSR_SMALL.resolve("x2.onnx"));
        definitions.add(Models.definition(PackageCopies.vsrSmallX2WithFp16(dir.resolve("x2-fp16"), fp32Graph)
                .toString()));
        // The tiny FlashVSR release of the golden data, with dense attention (any size streams).
        Path release = GoldenData.root().resolve("release-layout");
        Path flashVsr = dir.resolve("tiny-flashvsr");
        FlashVsrImport.run(release, flashVsr, new FlashVsrImport.Settings("tiny", true, null, null, null), line -> { });
        definitions.add(Models.definition(flashVsr.toString()));
    }

    /** CUDA emulated on the host, for the GPU providers below. */
    private static final HostCuda HOST_EMULATED_CUDA_RUNTIME = hostCuda();

    /** The cuda provider over CUDA emulated on the host, labelled so in test names. */
    private static final BackendProvider HOST_EMULATED_CUDA = new CudaProvider(
            HOST_EMULATED_CUDA_RUNTIME::availability);

    private static HostCuda hostCuda() {
        try {
            return HostCuda.oneGpu();
        } catch (EngineException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The tensorrt provider with TensorRT's part on ONNX Runtime and CUDA's on the host, its engine
     * cache in a temporary folder.
     */
    private static final BackendProvider HOST_EMULATED_TENSORRT = new TensorRtProvider(
            HOST_EMULATED_CUDA_RUNTIME::availability, () -> new TrtRuntimes.Availability(new OrtTrtRuntime(), null),
            BackendConformanceTest::temporaryEngineCache, TrtLog.NONE);

    private static EngineCache temporaryEngineCache() {
        try {
            return new EngineCache(Files.createTempDirectory("flashvsr-conformance-engines"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String label(BackendProvider provider) {
        boolean emulated = provider == HOST_EMULATED_CUDA || provider == HOST_EMULATED_TENSORRT;
        return provider.backend().nick() + (emulated ? " (host-emulated)" : "");
    }

    /** One provider running one model in one precision. */
    record Case(BackendProvider provider, ModelDefinition definition, Precision precision) {
        @Override
        public String toString() {
            return label(provider) + " runs " + definition.name() + " in " + precision.nick();
        }

        Model load() throws EngineException {
            assumeUsable(provider);
            return provider.load(definition, precision, 0);
        }

        SessionOptions options() {
            return new SessionOptions(provider.backend(), 0, 0, 0).withPrecision(precision);
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (BackendProvider provider : providers()) {
            for (ModelDefinition definition : definitions) {
                if (!provider.canRun(definition)) {
                    continue;
                }
                for (Precision precision : definition.precisions()) {
                    if (provider.capabilities().runs(precision)) {
                        cases.add(new Case(provider, definition, precision));
                    }
                }
            }
        }
        return cases;
    }

    static List<Case> variantCases() {
        return cases().stream().filter(c -> c.precision() != Precision.FP32).toList();
    }

    static List<BackendProvider> providers() {
        List<BackendProvider> providers = new ArrayList<>(Backends.discovered().providers());
        providers.add(HOST_EMULATED_CUDA);
        providers.add(HOST_EMULATED_TENSORRT);
        return providers;
    }

    private static void assumeUsable(BackendProvider provider) {
        String reason = provider.unusableReason().orElse("");
        assumeTrue(reason.isEmpty(), () -> label(provider) + " is not usable here: " + reason);
    }

    private static StreamSpec spec(int scale) {
        return new StreamSpec(PixelFormat.RGB, WIDTH, HEIGHT, scale);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void providerDescribesItself(BackendProvider provider) {
        assertNotNull(provider.backend());
        assertFalse(provider.backend() == dev.flashvsr.engine.Backend.AUTO, "a provider is a concrete backend");
        assertFalse(provider.description().isBlank());
        assertFalse(provider.capabilities().precisions().isEmpty());
        assertTrue(cases().stream().anyMatch(c -> c.provider() == provider),
                label(provider) + " runs none of the conformance models; add one it runs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyFrameComesOutOnceInOrderAfterTheDeclaredLatency(Case c) throws Exception {
        try (Model model = c.load()) {
            for (int scale : model.scales()) {
                StreamSpec spec = spec(scale);
                try (StreamingSession session = model.open(spec, c.options())) {
                    int latency = session.latencyFrames();
                    assertEquals(model.latencyFrames(), latency, "the model reports the latency its sessions have");
                    TestStreams.Outputs outputs = new TestStreams.Outputs(spec);
                    for (int i = 0; i < FRAMES; i++) {
                        session.push(TestStreams.frame(WIDTH, HEIGHT, i), outputs);
                        assertEquals(Math.max(0, i + 1 - latency), outputs.count(), "outputs after " + (i + 1) + " in");
                        assertEquals(i + 1 - outputs.count(), session.heldFrames(), "held after " + (i + 1) + " in");
                    }
                    session.drain(outputs);
                    assertEquals(FRAMES, outputs.count(), "N frames in, N out");
                    assertEquals(0, session.heldFrames(), "drain emits everything held");
                    assertInOrder(outputs.frames(), 0);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void afterDrainTheSessionTakesNewInput(Case c) throws Exception {
        try (Model model = c.load(); StreamingSession session = model.open(spec(firstScale(model)), c.options())) {
            assertEquals(FRAMES, TestStreams.run(session, 0, FRAMES).size());
            List<byte[]> second = TestStreams.run(session, FRAMES, TestStreams.maxFrames() - FRAMES);
            assertEquals(TestStreams.maxFrames() - FRAMES, second.size());
            assertInOrder(second, FRAMES);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void resetDropsStateAsIfTheSessionWereNew(Case c) throws Exception {
        try (Model model = c.load()) {
            StreamSpec spec = spec(firstScale(model));
            List<byte[]> fresh;
            try (StreamingSession session = model.open(spec, c.options())) {
                fresh = TestStreams.run(session, 2, 3);
            }
            try (StreamingSession session = model.open(spec, c.options())) {
                TestStreams.Outputs beforeReset = new TestStreams.Outputs(spec);
                for (int i = 5; i < TestStreams.maxFrames(); i++) {
                    session.push(TestStreams.frame(WIDTH, HEIGHT, i), beforeReset);
                }
                session.reset();
                assertEquals(0, session.heldFrames(), "reset drops held frames");
                List<byte[]> afterReset = TestStreams.run(session, 2, 3);
                assertEquals(fresh.size(), afterReset.size());
                for (int i = 0; i < fresh.size(); i++) {
                    assertArrayEquals(fresh.get(i), afterReset.get(i), "output " + i + " after reset");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variantCases")
    void precisionVariantsStayWithinTheirToleranceOfFp32(Case c) throws Exception {
        Double tolerance = TOLERANCE_VS_FP32.get(c.precision());
        assertNotNull(tolerance, "no tolerance stated for " + c.precision().nick() + " in TOLERANCE_VS_FP32");
        Case fp32 = new Case(c.provider(), c.definition(), Precision.FP32);
        try (Model variant = c.load(); Model reference = fp32.load()) {
            for (int scale : variant.scales()) {
                assumeTrue(variant.precisions(scale).contains(c.precision()), "no variant at x" + scale);
                List<byte[]> got;
                List<byte[]> expected;
                try (StreamingSession session = variant.open(spec(scale), c.options())) {
                    got = TestStreams.run(session, 0, FRAMES);
                }
                try (StreamingSession session = reference.open(spec(scale), fp32.options())) {
                    expected = TestStreams.run(session, 0, FRAMES);
                }
                for (int i = 0; i < FRAMES; i++) {
                    double diff = TestStreams.meanAbsDiff(expected.get(i), got.get(i));
                    assertTrue(diff <= tolerance, c + " x" + scale + " frame " + i + ": mean abs diff " + diff
                            + " levels from fp32, tolerance " + tolerance);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void framesOfAnotherSizeOrFormatAreRefused(Case c) throws Exception {
        try (Model model = c.load(); StreamingSession session = model.open(spec(firstScale(model)), c.options())) {
            TestStreams.Outputs outputs = new TestStreams.Outputs(session.spec());
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> session.push(TestStreams.frame(WIDTH + 2, HEIGHT, 0), outputs));
            assertTrue(size.getMessage().contains((WIDTH + 2) + "x" + HEIGHT), size.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> session.push(VideoFrame.allocate(PixelFormat.I420, WIDTH, HEIGHT), outputs));
            assertEquals(0, outputs.count());
            assertEquals(1, TestStreams.run(session, 0, 1).size(), "a refused frame leaves the session usable");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aScaleTheModelLacksFailsTheOpen(Case c) throws Exception {
        try (Model model = c.load()) {
            List<Integer> missing = Arrays.stream(new int[] {2, 4}).boxed().filter(s -> !model.scales().contains(s))
                    .toList();
            assumeFalse(missing.isEmpty(), model.name() + " has every scale");
            for (int scale : missing) {
                EngineException e = assertThrows(EngineException.class, () -> model.open(spec(scale), c.options()));
                assertTrue(e.getMessage().contains(String.valueOf(scale)), e.getMessage());
                assertTrue(e.remedy().contains(model.scales().toString()), e.remedy());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aPrecisionTheModelLacksIsRefusedNamingThoseItHas(Case c) {
        assumeUsable(c.provider());
        List<Precision> lacking = Arrays.stream(Precision.values())
                .filter(p -> p.isConcrete() && !c.definition().precisions().contains(p)).toList();
        assumeFalse(lacking.isEmpty(), c.definition().name() + " has every precision");
        for (Precision precision : lacking) {
            EngineException e = assertThrows(EngineException.class,
                    () -> Backends.discovered().load(c.definition(), c.provider().backend(), precision, 0));
            assertTrue(e.getMessage().contains(precision.nick()), e.getMessage());
            for (Precision has : c.definition().precisions()) {
                assertTrue(e.getMessage().contains(has.nick()), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aDeviceIdWithNoDeviceIsRefused(Case c) {
        assumeUsable(c.provider());
        EngineException e = assertThrows(EngineException.class,
                () -> c.provider().load(c.definition(), c.precision(), Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains(String.valueOf(Integer.MAX_VALUE)), e.getMessage());
    }

    private static int firstScale(Model model) {
        return model.scales().iterator().next();
    }

    /**
     * Each output's mean level is nearest to that of its own input frame ({@code first} onwards),
     * so no frame was dropped, repeated or swapped.
     */
    private static void assertInOrder(List<byte[]> outputs, int first) {
        for (int i = 0; i < outputs.size(); i++) {
            double mean = TestStreams.mean(outputs.get(i));
            int nearest = 0;
            for (int j = 1; j < TestStreams.maxFrames(); j++) {
                if (Math.abs(TestStreams.meanLevel(j) - mean) < Math.abs(TestStreams.meanLevel(nearest) - mean)) {
                    nearest = j;
                }
            }
            assertEquals(first + i, nearest, "output " + i + " (mean level " + mean + ") belongs to input " + nearest);
        }
    }
}
