package dev.flashvsr.engine.tensorrt.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cpu.CpuProvider;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.flashvsr.ChunkGraphs;
import dev.flashvsr.engine.flashvsr.ChunkSchedule;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.flashvsr.FlashVsrCalibration;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.flashvsr.GoldenPipeline;
import dev.flashvsr.engine.flashvsr.RebasingStreams;
import dev.flashvsr.engine.gpu.CpuFramePath;
import dev.flashvsr.engine.gpu.StreamChecks;
import dev.flashvsr.engine.tensorrt.cache.EngineCache;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtLog;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FlashVSR on the TensorRT backend with TensorRT's part run on ONNX Runtime ({@link OrtTrtRuntime})
 * and CUDA's on the host ({@link HostCuda}), on the tiny golden package: the CPU backend's output
 * over streams of several chunks and a drain, the state kept on the GPU, reset, engines built once.
 */
class TrtFlashVsrTest {
    /** Chunks 0 to 3: 25 frames, then 8 at a time, the last chunk completed by the drain. */
    private static final int FRAMES = 45;

    @TempDir
    static Path dir;
    static GoldenPipeline golden;
    static ModelDefinition.FlashVsr tiny;

    @TempDir
    Path engines;

    @BeforeAll
    static void importTinyPackage() throws Exception {
        golden = GoldenPipeline.load(GoldenData.root());
        Path pkg = dir.resolve("tiny");
        golden.importPackage(pkg);
        tiny = new ModelDefinition.FlashVsr(pkg);
    }

    private TensorRtProvider provider(HostCuda cuda, OrtTrtRuntime runtime) {
        return new TensorRtProvider(cuda::availability, () -> new TrtRuntimes.Availability(runtime, null),
                () -> new EngineCache(engines), TrtLog.NONE);
    }

    private static StreamSpec spec() {
        return new StreamSpec(PixelFormat.RGB, golden.width(), golden.height(), golden.run().scale());
    }

    /** Upstream-reference mode with the golden noise (generated noise after its end). */
    private static SessionOptions options(Backend backend, Precision precision) {
        return options(backend, precision, true);
    }

    /** The golden noise, upstream-reference mode or ours (frames on the GPU on TensorRT). */
    private static SessionOptions options(Backend backend, Precision precision, boolean upstream) {
        return new SessionOptions(backend, 0, precision, 0, 0, new DiffusionOptions(DiffusionOptions.ColorFix.ADAIN,
                upstream, 0, Optional.of(golden.noiseFile())));
    }

    /** Our frame preparation (frames on the GPU on TensorRT) with generated noise and {@code colorFix}. */
    private static SessionOptions ours(Backend backend, DiffusionOptions.ColorFix colorFix, Precision precision) {
        return new SessionOptions(backend, 0, precision, 0, 0, new DiffusionOptions(colorFix, false, 7,
                Optional.empty()));
    }

    /** A frame of {@code format} at the golden input size, each plane a moving ramp with a little noise. */
    private static VideoFrame synthetic(PixelFormat format, int index) {
        VideoFrame frame = VideoFrame.allocate(format, golden.width(), golden.height());
        Random random = new Random(index);
        for (int p = 0; p < format.planeCount(); p++) {
            int rowBytes = format.planeWidth(p, frame.width()) * format.pixelStride(p);
            for (int y = 0; y < format.planeHeight(p, frame.height()); y++) {
                for (int x = 0; x < rowBytes; x++) {
                    int value = 40 + (x * 5 + y * 3 + index * 4 + p * 60) % 170 + random.nextInt(12);
                    frame.plane(p).put(y * frame.stride(p) + x, (byte) value);
                }
            }
        }
        return frame;
    }

    private static List<VideoFrame> runSynthetic(StreamingSession session, PixelFormat format, int frames)
            throws EngineException {
        List<VideoFrame> inputs = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            inputs.add(synthetic(format, i));
        }
        return StreamChecks.run(session, inputs);
    }

    /** Golden input frame {@code index}, its last frame repeated past its end. */
    private static VideoFrame frame(int index) {
        VideoFrame frame = VideoFrame.allocate(PixelFormat.RGB, golden.width(), golden.height());
        byte[] rgb = golden.lowResFrame(Math.min(index, golden.frames() - 1), frame.stride(0));
        frame.plane(0).put(0, rgb, 0, Math.min(rgb.length, frame.plane(0).capacity()));
        return frame;
    }

    private static List<VideoFrame> run(StreamingSession session, int frames) throws EngineException {
        List<VideoFrame> inputs = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            inputs.add(frame(i));
        }
        return StreamChecks.run(session, inputs);
    }

    private static List<VideoFrame> cpu(Precision precision, int frames) throws EngineException {
        try (Model model = new CpuProvider().load(tiny, precision, 0);
                StreamingSession session = model.open(spec(), options(Backend.CPU, precision))) {
            return run(session, frames);
        }
    }

    private static void assertWithinALevelAndReleased(String what, List<VideoFrame> expected, List<VideoFrame> actual,
            HostCuda cuda) {
        int worst = worst(expected, actual);
        System.out.println("FlashVSR tensorrt " + what + ": max difference " + worst + " levels");
        assertTrue(worst <= 1, "max difference " + worst + " levels from the CPU backend");
        assertEquals("", cuda.live(), "everything on the GPU released");
    }

    private static int latentChannels() throws Exception {
        try (FlashVsrPackage pkg = tiny.open()) {
            return pkg.config().dit().inDim();
        }
    }

    private static int worst(List<VideoFrame> expected, List<VideoFrame> actual) {
        assertEquals(expected.size(), actual.size(), "frames out");
        int worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, CpuFramePath.maxDifference(expected.get(i), actual.get(i)));
        }
        return worst;
    }

    @Test
    void fp32MatchesTheCpuBackendOverFourChunksAndADrain() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        List<VideoFrame> expected = cpu(Precision.FP32, FRAMES);
        List<VideoFrame> actual;
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        List<String> steps = new ArrayList<>();
        try (Model model = provider(cuda, runtime).load(tiny, Precision.FP32, 0);
                StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32),
                        (step, fraction) -> steps.add(step))) {
            assertEquals(Backend.TENSORRT, model.backend());
            actual = run(session, FRAMES);
            assertEquals(0, session.heldFrames());
        }
        assertOnlyTheChunkZeroDitStreamsItsWeights(runtime, steps);
        // the five contexts run one after another, so they share one scratch, as large as the largest needs
        List<OrtTrtRuntime.ScratchUse> scratch = runtime.scratchUses();
        assertEquals(ExportedGraph.values().length, scratch.size(), scratch::toString);
        assertEquals(1, scratch.stream().mapToLong(OrtTrtRuntime.ScratchUse::address).distinct().count(),
                scratch::toString);
        assertEquals(scratch.stream().mapToLong(OrtTrtRuntime.ScratchUse::needed).max().orElseThrow(),
                scratch.get(0).bytes(), scratch::toString);
        assertEquals(FRAMES, actual.size(), "frames in = frames out");
        assertWithinALevelAndReleased("fp32 vs cpu fp32 over " + FRAMES + " frames", expected, actual, cuda);
    }

    /**
     * The chunk-0 DiT is built with weight streaming and streams every weight (budget 0, taken before
     * its context: the test runtime refuses it later), said once; the four other engines keep theirs.
     */
    private static void assertOnlyTheChunkZeroDitStreamsItsWeights(OrtTrtRuntime runtime, List<String> steps) {
        String ditFirst = ExportedGraph.DIT_FIRST.file();
        List<OrtTrtRuntime.LoadedEngine> loaded = runtime.loaded();
        assertEquals(ExportedGraph.values().length, loaded.size(), loaded::toString);
        for (OrtTrtRuntime.LoadedEngine engine : loaded) {
            assertEquals(engine.graph().equals(ditFirst), engine.weightStreaming(), loaded::toString);
        }
        List<OrtTrtRuntime.WeightBudget> budgets = runtime.weightBudgets();
        assertEquals(1, budgets.size(), budgets::toString);
        assertEquals(ditFirst, budgets.get(0).graph());
        assertEquals(0, budgets.get(0).budgetBytes());
        List<String> said = steps.stream().filter(step -> step.contains("weights from host memory")).toList();
        assertEquals(List.of("the FlashVSR " + ExportedGraph.DIT_FIRST.what() + " streams its "
                + budgets.get(0).streamableBytes() + " bytes of weights from host memory at each stream start"), said);
    }

    @Test
    void streamsOfOneSizeShareTheirLayoutAndEngines() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        int width = golden.outputWidth();
        int height = golden.outputHeight();
        SessionOptions options = options(Backend.TENSORRT, Precision.FP32);
        try (FlashVsrPackage pkg = tiny.open();
                TrtFlashVsrRuntime trt = new TrtFlashVsrRuntime(CudaDevice.open(cuda.availability().driver(), 0),
                        new FlashVsrEngines(runtime, cuda.availability().devices().get(0), TrtLog.NONE),
                        () -> new EngineCache(dir.resolve("shared-layout-cache")))) {
            try (ChunkGraphs first = trt.open(pkg, width, height, Precision.FP32, "first", options, OpenProgress.NONE);
                    ChunkGraphs second = trt.open(pkg, width, height, Precision.FP32, "second", options,
                            OpenProgress.NONE)) {
                assertSame(first.layout(), second.layout(), "one layout (with its graphs' weights) per size");
                assertEquals(ExportedGraph.values().length, runtime.loads(), "one engine each, shared");
            }
        }
        assertEquals("", cuda.live(), "all released");
    }

    /**
     * A later chunk downloads its 8 frames, as float32, and nothing else: the DiT's prediction goes
     * through the one step into the decoder's latents on the GPU, and the DiT's caches and the
     * projector's and decoder's memories stay there.
     */
    @Test
    void onlyEachChunksFramesLeaveTheGpu() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        long frames = 4L * ChunkSchedule.CHUNK_INPUTS * 3 * golden.outputHeight() * golden.outputWidth();
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.FP32, 0);
                StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32))) {
            List<Long> perChunk = new ArrayList<>();
            for (int i = 0; i < FRAMES; i++) {
                long before = cuda.downloadedBytes();
                session.push(frame(i), renderer -> true);
                if (i + 1 > ChunkSchedule.FIRST_CHUNK_INPUTS && (i + 1 - ChunkSchedule.FIRST_CHUNK_INPUTS)
                        % ChunkSchedule.CHUNK_INPUTS == 0) {
                    perChunk.add(cuda.downloadedBytes() - before);
                }
            }
            assertEquals(List.of(frames, frames), perChunk, "bytes downloaded by chunks 1 and 2");
        }
    }

    /**
     * With rebases moved early (positions 10 and up: chunks 3 and 5 rebase) the key cache is rotated
     * on the GPU: the CPU backend's output within a level, and a rebasing chunk moves only the
     * rotation's table more than another later chunk, up, and no key cache down.
     */
    @Test
    void theKeyCacheIsRebasedOnTheGpu() throws Exception {
        int width = golden.outputWidth();
        int height = golden.outputHeight();
        List<float[]> frames = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < ChunkSchedule.inputsFor(5); i++) {
            float[] frame = new float[3 * height * width];
            for (int j = 0; j < frame.length; j++) {
                frame[j] = (float) Math.sin(0.01 * j + 0.3 * i) * 0.8f + 0.1f * (random.nextFloat() - 0.5f);
            }
            frames.add(frame);
        }
        HostCuda cuda = HostCuda.oneGpu();
        List<float[]> expected;
        List<float[]> actual;
        List<long[]> perChunk = new ArrayList<>(); // bytes up and down by chunks 1 to 5
        long table;
        try (FlashVsrPackage pkg = tiny.open()) {
            try (ChunkGraphs cpu = RebasingStreams.cpuGraphs(pkg, width, height, dir.resolve("rebase-cpu-cache"))) {
                expected = RebasingStreams.run(cpu, 3, 10, frames, i -> { });
            }
            try (TrtFlashVsrRuntime trt = new TrtFlashVsrRuntime(CudaDevice.open(cuda.availability().driver(), 0),
                    new FlashVsrEngines(new OrtTrtRuntime(), cuda.availability().devices().get(0), TrtLog.NONE),
                    () -> new EngineCache(engines));
                    ChunkGraphs graphs = trt.open(pkg, width, height, Precision.FP32, "rebase",
                            options(Backend.TENSORRT, Precision.FP32), OpenProgress.NONE)) {
                table = RebasingStreams.rebaseTableBytes(graphs);
                long[] before = new long[2];
                actual = RebasingStreams.run(graphs, 3, 10, frames, i -> {
                    if (ChunkSchedule.chunkCompletedBy(i + 1) > 0) {
                        perChunk.add(new long[] {cuda.uploadedBytes() - before[0],
                                cuda.downloadedBytes() - before[1]});
                    }
                    before[0] = cuda.uploadedBytes();
                    before[1] = cuda.downloadedBytes();
                });
            }
        }
        assertEquals("", cuda.live(), "everything on the GPU released");
        assertEquals(5, perChunk.size());
        long up = perChunk.get(0)[0];
        long down = 4L * ChunkSchedule.CHUNK_INPUTS * 3 * height * width; // the chunk's frames, as float32
        for (int k = 1; k <= 5; k++) {
            long rebaseTable = k == 3 || k == 5 ? table : 0;
            assertEquals(up + rebaseTable, perChunk.get(k - 1)[0], "bytes uploaded by chunk " + k);
            assertEquals(down, perChunk.get(k - 1)[1], "bytes downloaded by chunk " + k);
        }
        assertEquals(expected.size(), actual.size(), "frames out");
        int worst = 0;
        for (int f = 0; f < expected.size(); f++) {
            for (int j = 0; j < expected.get(f).length; j++) {
                worst = Math.max(worst, Math.abs(level(expected.get(f)[j]) - level(actual.get(f)[j])));
            }
        }
        System.out.println("FlashVSR tensorrt, key cache rebased on the GPU: max difference " + worst
                + " levels from the CPU backend over " + actual.size() + " frames");
        assertTrue(worst <= 1, "max difference " + worst + " levels from the CPU backend");
    }

    /** A value in [-1, 1] as an 8-bit level. */
    private static int level(float value) {
        return Math.round((Math.max(-1f, Math.min(1f, value)) + 1f) * 127.5f);
    }

    @Test
    void fp16RunsCloseToTheCpuBackendsFp16() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        int frames = 33;
        List<VideoFrame> actual;
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.AUTO, 0)) {
            assertEquals(Precision.FP16, model.resolvePrecision(Precision.AUTO, 4), "auto is fp16 on TensorRT");
            try (StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.AUTO))) {
                actual = run(session, frames);
            }
        }
        int fromFp16 = worst(cpu(Precision.FP16, frames), actual);
        int fromFp32 = worst(cpu(Precision.FP32, frames), actual);
        System.out.println("FlashVSR tensorrt fp16: max difference " + fromFp16 + " levels from cpu fp16, " + fromFp32
                + " from cpu fp32");
        assertTrue(fromFp16 <= 1, "max difference " + fromFp16 + " levels from the CPU backend's fp16");
        assertTrue(fromFp32 <= FP16_TOLERANCE, "max difference " + fromFp32 + " levels from the CPU backend's fp32");
        try (Stream<Path> exported = Files.list(engines.resolve(FlashVsrGraphFiles.FOLDER))) {
            assertTrue(exported.anyMatch(entry -> entry.getFileName().toString().startsWith(golden.outputWidth() + "x"
                    + golden.outputHeight() + "-fp16-")), "the fp16 graphs were exported and run");
        }
    }

    /**
     * fp16 against fp32 on the tiny golden model: measured 1 level (as the CPU backend's fp16,
     * FlashVsrPrecisionTest), with 1 level of margin.
     */
    private static final int FP16_TOLERANCE = 2;

    /** int8 once the package is calibrated: the same W8A8 graphs as the CPU backend's int8. */
    @Test
    void aCalibratedPackageRunsInInt8() throws Exception {
        Path calibrated = dir.resolve("calibrated");
        golden.importPackage(calibrated);
        List<VideoFrame> stream = new ArrayList<>();
        for (int i = 0; i < FlashVsrCalibration.MIN_FRAMES; i++) {
            stream.add(frame(i));
        }
        FlashVsrCalibration.run(calibrated, golden.run().scale(), stream, FlashVsrCalibration.Method.MAX,
                OpenProgress.NONE);
        ModelDefinition.FlashVsr definition = new ModelDefinition.FlashVsr(calibrated);
        HostCuda cuda = HostCuda.oneGpu();
        int frames = 33;
        List<VideoFrame> actual;
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(definition, Precision.INT8, 0)) {
            assertEquals(List.of(Precision.FP16, Precision.INT8, Precision.FP32),
                    List.copyOf(model.precisions(golden.run().scale())));
            try (StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.INT8))) {
                actual = run(session, frames);
            }
        }
        List<VideoFrame> expected;
        try (Model model = new CpuProvider().load(definition, Precision.INT8, 0);
                StreamingSession session = model.open(spec(), options(Backend.CPU, Precision.INT8))) {
            expected = run(session, frames);
        }
        int worst = worst(expected, actual);
        System.out.println("FlashVSR tensorrt int8: max difference " + worst + " levels from cpu int8");
        assertTrue(worst <= 1, "max difference " + worst + " levels from the CPU backend's int8");
    }

    /** Upstream-reference mode (frames on the host) and ours (frames on the GPU). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aResetMidStreamGivesWhatAFreshSessionGives(boolean upstream) throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        int frames = 33;
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.FP32, 0)) {
            List<VideoFrame> fresh;
            try (StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32, upstream))) {
                fresh = run(session, frames);
            }
            try (StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32, upstream))) {
                for (int i = 0; i < 30; i++) { // past chunk 0: state and held frames to forget
                    session.push(frame(28 - i % 29), renderer -> true);
                }
                session.reset();
                assertEquals(0, session.heldFrames());
                assertEquals(0, worst(fresh, run(session, frames)), "bit-equal to a fresh session");
                assertEquals(3, run(session, 3).size(), "3 frames in, 3 out");
            }
        }
    }

    @Test
    void theGraphsAreExportedAndTheEnginesBuiltOnceThenReadFromTheCache() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        FileTime exported = null;
        Path graphs = null;
        for (int start = 0; start < 2; start++) {
            try (Model model = provider(cuda, runtime).load(tiny, Precision.FP32, 0);
                    StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32))) {
                assertEquals(1, run(session, 1).size());
            }
            try (Stream<Path> entries = Files.list(engines.resolve(FlashVsrGraphFiles.FOLDER))) {
                graphs = entries.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            FileTime index = Files.getLastModifiedTime(graphs.resolve(FlashVsrGraphFiles.INDEX));
            if (exported != null) {
                assertEquals(exported, index, "the second start exports nothing");
            }
            exported = index;
        }
        assertEquals(5, runtime.builds(), "five engines built by the first start only");
        assertEquals(10, runtime.loads(), "each start deserializes the five");
        try (Stream<Path> files = Files.list(engines)) {
            assertEquals(5, files.filter(f -> f.toString().endsWith(".engine")).count());
        }
        // a damaged export is exported again (same digests, so the cached engines still serve)
        Files.delete(graphs.resolve(FlashVsrGraphFiles.INDEX));
        List<String> warnings = new ArrayList<>();
        OpenProgress progress = new OpenProgress() {
            @Override
            public void report(String step, double fraction) {
            }

            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        };
        try (Model model = provider(cuda, runtime).load(tiny, Precision.FP32, 0);
                StreamingSession session = model.open(spec(), options(Backend.TENSORRT, Precision.FP32), progress)) {
            assertEquals(1, run(session, 1).size());
        }
        assertTrue(Files.isRegularFile(graphs.resolve(FlashVsrGraphFiles.INDEX)), "exported again");
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(5, runtime.builds(), "the engines are still the cached ones");
    }

    /**
     * Our frame preparation keeps the frames on the GPU (FrameKernels, the colour-fix kernels): the
     * CPU backend's output within a level, for a YUV 4:2:0 pair and an RGB format, each colour fix.
     */
    @ParameterizedTest
    @CsvSource({"RGB, ADAIN, FP32", "NV12, WAVELET, FP16", "I420, NONE, FP32"})
    void framesOnTheGpuMatchTheCpuBackend(PixelFormat format, DiffusionOptions.ColorFix colorFix, Precision precision)
            throws Exception {
        int frames = 34;
        StreamSpec spec = new StreamSpec(format, golden.width(), golden.height(), golden.run().scale());
        List<VideoFrame> expected;
        try (Model model = new CpuProvider().load(tiny, precision, 0);
                StreamingSession session = model.open(spec, ours(Backend.CPU, colorFix, precision))) {
            expected = runSynthetic(session, format, frames);
        }
        HostCuda cuda = HostCuda.oneGpu();
        List<VideoFrame> actual;
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, precision, 0);
                StreamingSession session = model.open(spec, ours(Backend.TENSORRT, colorFix, precision))) {
            actual = runSynthetic(session, format, frames);
        }
        assertWithinALevelAndReleased("frames on the GPU, " + format + " " + colorFix + " " + precision.nick()
                + ", vs cpu", expected, actual, cuda);
    }

    /**
     * With the frames on the GPU each input frame crosses once as 8 bits, and a later chunk adds
     * only its noise latents and positions up and its 8-bit frames down: nothing latent-sized leaves
     * the GPU.
     */
    @Test
    void eachFrameCrossesOnceAsEightBitsEachWay() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        int latentChannels = latentChannels();
        StreamSpec spec = spec();
        long inputFrame = 3L * spec.width() * spec.height();
        long outputFrame = 3L * spec.outputWidth() * spec.outputHeight();
        long latents = 4L * latentChannels * ChunkSchedule.CHUNK_LATENTS * (golden.outputHeight() / 8)
                * (golden.outputWidth() / 8);
        long positions = 8L * ChunkSchedule.CHUNK_LATENTS;
        List<long[]> perPush = new ArrayList<>();
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.FP32, 0);
                StreamingSession session = model.open(spec, ours(Backend.TENSORRT, DiffusionOptions.ColorFix.ADAIN,
                        Precision.FP32))) {
            for (int i = 0; i < FRAMES; i++) {
                long up = cuda.uploadedBytes();
                long down = cuda.downloadedBytes();
                session.push(frame(i), renderer -> true);
                perPush.add(new long[] {cuda.uploadedBytes() - up, cuda.downloadedBytes() - down});
            }
        }
        for (int i = ChunkSchedule.FIRST_CHUNK_INPUTS; i < FRAMES; i++) {
            boolean completesChunk = ChunkSchedule.chunkCompletedBy(i + 1) > 0;
            long up = inputFrame + (completesChunk ? latents + positions : 0);
            long down = completesChunk ? ChunkSchedule.CHUNK_INPUTS * outputFrame : 0;
            assertEquals(up, perPush.get(i)[0], "bytes uploaded by push " + i);
            assertEquals(down, perPush.get(i)[1], "bytes downloaded by push " + i);
        }
        for (int i = 0; i < ChunkSchedule.FIRST_CHUNK_INPUTS - 1; i++) {
            assertEquals(inputFrame, perPush.get(i)[0], "bytes uploaded by push " + i);
            assertEquals(0, perPush.get(i)[1], "bytes downloaded by push " + i);
        }
        System.out.println("FlashVSR tensorrt, frames on the GPU: later chunk uploads "
                + (ChunkSchedule.CHUNK_INPUTS * inputFrame + latents + positions) + " bytes, downloads "
                + ChunkSchedule.CHUNK_INPUTS * outputFrame + " bytes");
    }

    /**
     * A later chunk's projector steps, DiT and decoder repeat their bindings every other chunk, so
     * they are captured into CUDA graphs once and replayed: bit-equal to plain launches. Over 53
     * frames (later chunks 1 to 4): the projector's two steps captured in chunk 2 and replayed in
     * chunks 3 and 4, the DiT and the decoder captured in chunks 3 and 4 (one per state parity).
     */
    @Test
    void laterChunksReplayCudaGraphsBitEqualToPlainLaunches() throws Exception {
        int frames = 53;
        HostCuda cuda = HostCuda.oneGpu();
        List<VideoFrame> plain;
        List<VideoFrame> graphs;
        try (Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.FP32, 0)) {
            try (StreamingSession session = model.open(spec(), withCudaGraphs(false))) {
                plain = run(session, frames);
            }
            assertEquals(0, cuda.graphsCaptured(), "cuda-graphs=false captures nothing");
            try (StreamingSession session = model.open(spec(), withCudaGraphs(true))) {
                graphs = run(session, frames);
            }
        }
        assertEquals(0, worst(plain, graphs), "bit-equal to plain launches");
        assertEquals(6, cuda.graphsCaptured(), "projector steps 0 and 1, DiT and decoder in two parities each");
        assertEquals(10, cuda.graphLaunches(), "2 + 2 projector steps replayed, and each capture launched");
        assertEquals("", cuda.live(), "graphs and buffers released");
    }

    @Test
    void aFailedCaptureFallsBackToPlainLaunchesAndSaysSoOnce() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        cuda.failCaptures();
        int frames = 45;
        List<VideoFrame> plain;
        List<VideoFrame> graphs;
        List<LogRecord> warnings;
        try (LoggedRecords logged = new LoggedRecords(RunGraphs.class);
                Model model = provider(cuda, new OrtTrtRuntime()).load(tiny, Precision.FP32, 0)) {
            try (StreamingSession session = model.open(spec(), withCudaGraphs(false))) {
                plain = run(session, frames);
            }
            try (StreamingSession session = model.open(spec(), withCudaGraphs(true))) {
                graphs = run(session, frames);
            }
            warnings = logged.records();
        }
        assertEquals(0, worst(plain, graphs), "bit-equal to plain launches");
        assertEquals(0, cuda.graphLaunches());
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(Level.WARNING, warnings.get(0).getLevel());
        assertTrue(warnings.get(0).getMessage().endsWith("this stream runs its chunks without graphs"),
                warnings.get(0).getMessage());
    }

    /** Our frame preparation (frames on the GPU), ADAIN, generated noise, fp32, CUDA graphs on or off. */
    private static SessionOptions withCudaGraphs(boolean cudaGraphs) {
        SessionOptions ours = ours(Backend.TENSORRT, DiffusionOptions.ColorFix.ADAIN, Precision.FP32);
        return new SessionOptions(ours.backend(), 0, ours.precision(), 0, 0, ours.diffusion(), Optional.empty(),
                Optional.empty(), cudaGraphs);
    }
}
