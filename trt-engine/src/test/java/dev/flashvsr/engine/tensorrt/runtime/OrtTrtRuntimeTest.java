package dev.flashvsr.engine.tensorrt.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtTrtRuntimeTest {
    private static final long WORKSPACE = 1L << 28;
    private static final int H = 24;
    private static final int W = 32;
    /** x2.onnx's inputs and their channels (models/vsr-small/manifest.json: frame, previous frame, two states). */
    private static final Map<String, Integer> CHANNELS = Map.of("current", 3, "previous", 3, "hidden", 4,
            "smoothed", 5);
    /** The recurrent state: each output feeds the next frame's input. */
    private static final Map<String, String> STATE = Map.of("hidden_out", "hidden", "smoothed_out", "smoothed");

    @TempDir
    Path temp;

    private final List<String> logged = new ArrayList<>();
    private final TrtLog log = (severity, message) -> logged.add(severity + " " + message);

    @Test
    void x2RunsOnDeviceBuffersExactlyLikePlainOnnxRuntime() throws Exception {
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        Random random = new Random(19);
        float[][] frames = {randomFloats(random, 3 * H * W), randomFloats(random, 3 * H * W),
                randomFloats(random, 3 * H * W)};
        try (TrtEngine engine = load(runtime, graph("x2.onnx"), profile());
                TrtContext context = engine.createContext();
                DeviceTensors device = new DeviceTensors()) {
            assertEquals(new TensorInfo("current", true, TensorInfo.DataType.FLOAT, new long[] {-1, 3, -1, -1}),
                    engine.tensors().stream().filter(t -> t.name().equals("current")).findFirst().orElseThrow());
            for (String input : CHANNELS.keySet()) {
                context.setInputShape(input, shape(input, H, W));
            }
            assertArrayEquals(new long[] {1, 3, 2 * H, 2 * W}, context.shape("output"));
            assertArrayEquals(new long[] {1, 4, H, W}, context.shape("hidden_out"));

            // state lives in two buffers per tensor, swapped by address between frames
            Map<String, DeviceBuffer[]> state = new HashMap<>();
            for (Map.Entry<String, String> s : STATE.entrySet()) {
                long bytes = 4L * CHANNELS.get(s.getValue()) * H * W;
                state.put(s.getValue(), new DeviceBuffer[] {device.allocate(bytes), device.allocate(bytes)});
            }
            DeviceBuffer output = device.allocate(4L * 3 * 4 * H * W);
            try (PlainRun plain = new PlainRun(graph("x2.onnx"))) {
                for (int frame = 1; frame < frames.length; frame++) {
                    context.setTensorAddress("current", device.upload(floats(frames[frame])).address());
                    context.setTensorAddress("previous", device.upload(floats(frames[frame - 1])).address());
                    for (Map.Entry<String, String> s : STATE.entrySet()) {
                        DeviceBuffer[] buffers = state.get(s.getValue());
                        context.setTensorAddress(s.getValue(), buffers[frame % 2].address());
                        context.setTensorAddress(s.getKey(), buffers[(frame + 1) % 2].address());
                    }
                    context.setTensorAddress("output", output.address());
                    context.enqueue(device.stream());

                    Map<String, float[]> expected = plain.run(frames[frame], frames[frame - 1]);
                    assertArrayEquals(expected.get("output"), toFloats(device.download(output)), "frame " + frame);
                    for (Map.Entry<String, String> s : STATE.entrySet()) {
                        assertArrayEquals(expected.get(s.getKey()),
                                toFloats(device.download(state.get(s.getValue())[(frame + 1) % 2])),
                                s.getKey() + " of frame " + frame);
                    }
                }
            }
        }
        assertTrue(logged.stream().anyMatch(line -> line.startsWith("INFO built")), logged.toString());
    }

    @Test
    void anFp16VariantWithHalfTensorsRunsLikePlainOnnxRuntime() throws Exception {
        Path halfGraph = temp.resolve("x2-fp16-half-io.onnx");
        HalfInterface.write(graph("x2-fp16.onnx"), halfGraph);
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        Random random = new Random(16);
        Map<String, ByteBuffer> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> input : CHANNELS.entrySet()) {
            boolean frame = input.getValue() == 3;
            inputs.put(input.getKey(), randomHalves(random, input.getValue() * H * W, frame));
        }
        try (TrtEngine engine = load(runtime, halfGraph, profile());
                TrtContext context = engine.createContext();
                DeviceTensors device = new DeviceTensors()) {
            assertTrue(engine.tensors().stream().allMatch(t -> t.dataType() == TensorInfo.DataType.HALF),
                    engine.tensors().toString());
            for (Map.Entry<String, ByteBuffer> input : inputs.entrySet()) {
                context.setInputShape(input.getKey(), shape(input.getKey(), H, W));
                context.setTensorAddress(input.getKey(), device.upload(input.getValue()).address());
            }
            Map<String, DeviceBuffer> outputs = new LinkedHashMap<>();
            for (String name : List.of("output", "hidden_out", "smoothed_out")) {
                long elements = Arrays.stream(context.shape(name)).reduce(1, Math::multiplyExact);
                outputs.put(name, device.allocate(2 * elements));
                context.setTensorAddress(name, outputs.get(name).address());
            }
            context.enqueue(device.stream());

            try (OrtSession plain = OrtRuntime.ENV.createSession(halfGraph.toString(), OrtRuntime.sessionOptions(1))) {
                Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
                for (Map.Entry<String, ByteBuffer> input : inputs.entrySet()) {
                    tensors.put(input.getKey(), OnnxTensor.createTensor(OrtRuntime.ENV,
                            input.getValue().duplicate().order(ByteOrder.nativeOrder()).asShortBuffer(),
                            shape(input.getKey(), H, W),
                            OnnxJavaType.FLOAT16));
                }
                try (OrtSession.Result result = plain.run(tensors)) {
                    for (Map.Entry<String, DeviceBuffer> output : outputs.entrySet()) {
                        OnnxTensor expected = (OnnxTensor) result.get(output.getKey()).orElseThrow();
                        assertEquals(OnnxJavaType.FLOAT16, expected.getInfo().type);
                        assertArrayEquals(shorts(expected.getShortBuffer()),
                                shorts(device.download(output.getValue()).asShortBuffer()), output.getKey());
                    }
                } finally {
                    tensors.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    @Test
    void aGraphWithExternalWeightsRunsLikeTheEmbeddedOne() throws Exception {
        Path folder = Files.createDirectories(temp.resolve("package"));
        Path external = folder.resolve("x2-external.onnx");
        assertTrue(ExternalWeightsGraph.write(graph("x2.onnx"), external, "x2-external.weights") > 0);
        assertTrue(Files.size(external) < Files.size(graph("x2.onnx")) / 2, "the weights left the graph file");
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        Random random = new Random(7);
        Map<String, float[]> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> input : CHANNELS.entrySet()) {
            inputs.put(input.getKey(), randomFloats(random, input.getValue() * H * W));
        }
        // the plan is loaded from memory: ONNX Runtime finds the weights only through the graph's folder in the plan
        assertArrayEquals(runOnce(runtime, graph("x2.onnx"), inputs), runOnce(runtime, external, inputs));
    }

    /** One frame of x2 on device buffers; the output's values. */
    private float[] runOnce(TrtRuntime runtime, Path graph, Map<String, float[]> inputs) throws Exception {
        try (TrtEngine engine = load(runtime, graph, profile());
                TrtContext context = engine.createContext();
                DeviceTensors device = new DeviceTensors()) {
            for (Map.Entry<String, float[]> input : inputs.entrySet()) {
                context.setInputShape(input.getKey(), shape(input.getKey(), H, W));
                context.setTensorAddress(input.getKey(), device.upload(floats(input.getValue())).address());
            }
            DeviceBuffer output = device.allocate(4L * 3 * 4 * H * W);
            context.setTensorAddress("output", output.address());
            context.setTensorAddress("hidden_out", device.allocate(4L * 4 * H * W).address());
            context.setTensorAddress("smoothed_out", device.allocate(4L * 5 * H * W).address());
            context.enqueue(device.stream());
            return toFloats(device.download(output));
        }
    }

    @Test
    void aShapeOutsideTheProfileIsRefused() throws Exception {
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        try (TrtEngine engine = load(runtime, graph("x2.onnx"), profile());
                TrtContext context = engine.createContext()) {
            context.setInputShape("current", shape("current", 64, 64));
            TrtException tooBig = assertThrows(TrtException.class,
                    () -> context.setInputShape("current", shape("current", 65, 64)));
            assertEquals(Kind.RUNTIME, tooBig.kind());
            assertTrue(tooBig.getMessage().contains("[1, 3, 65, 64] of input current is outside"), tooBig.getMessage());
            assertTrue(tooBig.getMessage().contains("max [1, 3, 64, 64]"), tooBig.getMessage());
            TrtException tooSmall = assertThrows(TrtException.class,
                    () -> context.setInputShape("hidden", shape("hidden", 7, 8)));
            assertEquals(Kind.RUNTIME, tooSmall.kind());
            TrtException unknown = assertThrows(TrtException.class,
                    () -> context.setInputShape("output", shape("current", 8, 8)));
            assertTrue(unknown.getMessage().contains("output is not an input"), unknown.getMessage());
        }
    }

    @Test
    void contextsRunOnScratchTheCallerOwnsAndShares() throws Exception {
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        Random random = new Random(23);
        float[] current = randomFloats(random, 3 * H * W);
        float[] previous = randomFloats(random, 3 * H * W);
        try (TrtEngine engine = load(runtime, graph("x2.onnx"), profile());
                DeviceTensors device = new DeviceTensors()) {
            long needed = engine.scratchBytes();
            DeviceBuffer scratch = device.allocate(needed);
            assertThrows(IllegalArgumentException.class, () -> engine.createContext(scratch.address(), needed - 1));
            float[] expected;
            try (PlainRun plain = new PlainRun(graph("x2.onnx"))) {
                expected = plain.run(current, previous).get("output");
            }
            // two contexts on one scratch, run one after the other on one stream as FlashVSR's engines are
            for (int run = 0; run < 2; run++) {
                try (TrtContext context = engine.createContext(scratch.address(), needed)) {
                    DeviceBuffer output = bindX2(context, device, current, previous);
                    context.enqueue(device.stream());
                    assertArrayEquals(expected, toFloats(device.download(output)), "run " + run);
                }
            }
            ByteBuffer used = device.download(scratch);
            assertEquals((byte) 0xA5, used.get(0), "the inference used the scratch");
            try (TrtContext stray = engine.createContext(0x1000, needed)) {
                bindX2(stray, device, current, previous);
                TrtException outside = assertThrows(TrtException.class, () -> stray.enqueue(device.stream()));
                assertTrue(outside.getMessage().contains("scratch memory is not the GPU's"), outside.getMessage());
            }
        }
    }

    /** Binds x2.onnx's inputs (zero state) and a new output buffer, which it returns. */
    private static DeviceBuffer bindX2(TrtContext context, DeviceTensors device, float[] current, float[] previous)
            throws Exception {
        for (String input : CHANNELS.keySet()) {
            context.setInputShape(input, shape(input, H, W));
        }
        context.setTensorAddress("current", device.upload(floats(current)).address());
        context.setTensorAddress("previous", device.upload(floats(previous)).address());
        for (Map.Entry<String, String> s : STATE.entrySet()) {
            long bytes = 4L * CHANNELS.get(s.getValue()) * H * W;
            context.setTensorAddress(s.getValue(), device.allocate(bytes).address());
            context.setTensorAddress(s.getKey(), device.allocate(bytes).address());
        }
        DeviceBuffer output = device.allocate(4L * 3 * 4 * H * W);
        context.setTensorAddress("output", output.address());
        return output;
    }

    /** TensorRT's rules, emulated: a budget only for an engine built for it, only while no context is open. */
    @Test
    void weightsStreamOnlyFromAnEngineBuiltForItAndBeforeItsContexts() throws Exception {
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        BuildSettings streaming = new BuildSettings(ranges(), WORKSPACE, Optional.empty(), true);
        long streamable;
        try (TrtEngine engine = load(runtime, graph("x2.onnx"), streaming)) {
            streamable = engine.streamableWeightBytes();
            assertTrue(streamable > 0, "streamable bytes " + streamable);
            long keptScratch = engine.scratchBytes();
            long tooMuch = streamable + 1;
            assertThrows(IllegalArgumentException.class, () -> engine.streamWeights(tooMuch));
            assertThrows(IllegalArgumentException.class, () -> engine.streamWeights(-1));
            engine.streamWeights(0);
            assertTrue(engine.scratchBytes() > keptScratch, "staging memory joins the scratch");
            TrtContext context = engine.createContext();
            long all = streamable;
            TrtException open = assertThrows(TrtException.class, () -> engine.streamWeights(all));
            assertEquals(Kind.RUNTIME, open.kind());
            assertTrue(open.getMessage().contains("1 open execution context"), open.getMessage());
            assertTrue(open.remedy().contains("before creating contexts"), open.remedy());
            context.close();
            engine.streamWeights(streamable);
            assertEquals(keptScratch, engine.scratchBytes(), "a budget of every weight streams none");
        }
        assertEquals(List.of(new OrtTrtRuntime.LoadedEngine("x2.onnx", true)), runtime.loaded());
        assertEquals(List.of(new OrtTrtRuntime.WeightBudget("x2.onnx", 0, streamable),
                new OrtTrtRuntime.WeightBudget("x2.onnx", streamable, streamable)), runtime.weightBudgets());
        try (TrtEngine plain = load(runtime, graph("x2.onnx"), profile())) {
            assertEquals(0, plain.streamableWeightBytes());
            TrtException refused = assertThrows(TrtException.class, () -> plain.streamWeights(0));
            assertTrue(refused.getMessage().contains("built without weight streaming"), refused.getMessage());
        }
        assertEquals(new OrtTrtRuntime.LoadedEngine("x2.onnx", false), runtime.loaded().get(1));
    }

    @Test
    void enqueueNeedsEveryShapeAndAddress() throws Exception {
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        try (TrtEngine engine = load(runtime, graph("x2.onnx"), profile());
                TrtContext context = engine.createContext()) {
            TrtException noShape = assertThrows(TrtException.class, () -> context.enqueue(0));
            assertTrue(noShape.getMessage().contains("is not set (setInputShape)"), noShape.getMessage());
            for (String input : CHANNELS.keySet()) {
                context.setInputShape(input, shape(input, H, W));
            }
            TrtException noAddress = assertThrows(TrtException.class, () -> context.enqueue(0));
            assertEquals(Kind.RUNTIME, noAddress.kind());
            assertTrue(noAddress.getMessage().contains("address of tensor"), noAddress.getMessage());
        }
    }

    @Test
    void aGraphOnnxRuntimeCannotLoadIsAParseErrorWithItsMessage() throws Exception {
        Path broken = temp.resolve("broken.onnx");
        Files.write(broken, "not an onnx graph".getBytes(StandardCharsets.US_ASCII));
        TrtException e = assertThrows(TrtException.class,
                () -> build(new OrtTrtRuntime(), broken, profile()));
        assertEquals(Kind.PARSE, e.kind());
        assertTrue(e.getMessage().startsWith("TensorRT cannot parse the graph broken.onnx: ONNX parser: "),
                e.getMessage());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("protobuf"), e.getMessage());
        assertTrue(logged.stream().anyMatch(line -> line.startsWith("ERROR TensorRT cannot parse")), logged.toString());
        assertTrue(e.describe().contains("trt-check"), e.describe());
    }

    @Test
    void anEngineOfAnotherVersionIsIncompatible() throws Exception {
        try (EnginePlan plan = whole(build(new OrtTrtRuntime("10.14.1", false), graph("x2.onnx"), profile()))) {
            TrtException e = assertThrows(TrtException.class, () -> new OrtTrtRuntime().deserialize(plan, log));
            assertEquals(Kind.INCOMPATIBLE, e.kind());
            assertTrue(e.getMessage().contains("built by 10.14.1, this is 10.15.1"), e.getMessage());
            OrtTrtRuntime older = new OrtTrtRuntime("10.14.1", false);
            older.deserialize(plan, log).close();
            assertEquals(0, older.builds());
            assertEquals(1, older.loads());
        }
    }

    @Test
    void aCorruptEngineIsIncompatible() throws Exception {
        Path built = build(new OrtTrtRuntime(), graph("x2.onnx"), profile());
        Path garbage = Files.write(temp.resolve("garbage.engine"), new byte[] {1, 2, 3});
        try (EnginePlan truncated = EnginePlan.open(built, 0, Files.size(built) / 2);
                EnginePlan notAPlan = EnginePlan.open(garbage, 0, 3)) {
            assertEquals(Kind.INCOMPATIBLE, assertThrows(TrtException.class,
                    () -> new OrtTrtRuntime().deserialize(truncated, log)).kind());
            assertEquals(Kind.INCOMPATIBLE, assertThrows(TrtException.class,
                    () -> new OrtTrtRuntime().deserialize(notAPlan, log)).kind());
        }
    }

    @Test
    void settingsThatDoNotFitTheGraphAreBuildErrors() throws Exception {
        Map<String, ShapeRange> unknown = new LinkedHashMap<>(ranges());
        unknown.put("frame", ShapeRange.fixed(1, 3, H, W));
        assertBuildError(unknown, "names frame, which is not an input");

        Map<String, ShapeRange> rank = new LinkedHashMap<>(ranges());
        rank.put("current", ShapeRange.fixed(3, H, W));
        assertBuildError(rank, "input current has rank 3 but the input has rank 4");

        Map<String, ShapeRange> channels = new LinkedHashMap<>(ranges());
        channels.put("hidden", ShapeRange.fixed(1, 5, H, W));
        assertBuildError(channels, "changes static dimension 1");

        Map<String, ShapeRange> missing = new LinkedHashMap<>(ranges());
        missing.remove("smoothed");
        assertBuildError(missing, "input smoothed has dynamic dimensions but the optimization profile gives it no"
                + " shape range");
    }

    @Test
    void theOutOfMemoryFaultFailsTheBuild() throws Exception {
        TrtException e = assertThrows(TrtException.class,
                () -> build(new OrtTrtRuntime(OrtTrtRuntime.DEFAULT_VERSION, true), graph("x2.onnx"), profile()));
        assertEquals(Kind.OUT_OF_MEMORY, e.kind());
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
    }

    @Test
    void theTimingCacheIsWritten() throws Exception {
        Path cache = temp.resolve("timing.cache");
        OrtTrtRuntime runtime = new OrtTrtRuntime();
        build(runtime, graph("x2.onnx"), new BuildSettings(ranges(), WORKSPACE, Optional.of(cache)));
        assertTrue(Files.size(cache) > 0);
        assertEquals(1, runtime.builds());
        assertEquals(0, runtime.loads());
        assertFalse(runtime.version().isEmpty());
    }

    /** Builds {@code graph} into a plan file, as the engine cache does, and returns the file. */
    private Path build(TrtRuntime runtime, Path graph, BuildSettings settings) throws Exception {
        Path file = Files.createTempFile(temp, "plan", ".engine");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            runtime.buildEngine(graph, settings, out, log);
        }
        return file;
    }

    private static EnginePlan whole(Path file) throws Exception {
        return EnginePlan.open(file, 0, Files.size(file));
    }

    private TrtEngine load(TrtRuntime runtime, Path graph, BuildSettings settings) throws Exception {
        try (EnginePlan plan = whole(build(runtime, graph, settings))) {
            return runtime.deserialize(plan, log);
        }
    }

    private void assertBuildError(Map<String, ShapeRange> ranges, String expected) throws Exception {
        TrtException e = assertThrows(TrtException.class, () -> build(new OrtTrtRuntime(), graph("x2.onnx"),
                new BuildSettings(ranges, WORKSPACE, Optional.empty())));
        assertEquals(Kind.BUILD, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    static Path graph(String file) throws URISyntaxException {
        return Path.of(OrtTrtRuntimeTest.class.getResource("/dev/flashvsr/models/vsr-small/" + file).toURI());
    }

    private static BuildSettings profile() {
        return new BuildSettings(ranges(), WORKSPACE, Optional.empty());
    }

    /** Every input from 8x8 to 64x64, tuned for HxW. */
    private static Map<String, ShapeRange> ranges() {
        Map<String, ShapeRange> ranges = new LinkedHashMap<>();
        for (String input : List.of("current", "previous", "hidden", "smoothed")) {
            ranges.put(input, new ShapeRange(shape(input, 8, 8), shape(input, H, W), shape(input, 64, 64)));
        }
        return ranges;
    }

    private static long[] shape(String input, int height, int width) {
        return new long[] {1, CHANNELS.get(input), height, width};
    }

    private static float[] randomFloats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    /** Half bits of values in [1/128, 1) for frames, zeros (the initial state) otherwise. */
    private static ByteBuffer randomHalves(Random random, int n, boolean frame) {
        ByteBuffer bytes = ByteBuffer.allocate(2 * n).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            bytes.putShort(frame ? (short) (0x2000 + random.nextInt(0x3BFF - 0x2000)) : 0);
        }
        return bytes.flip();
    }

    private static ByteBuffer floats(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    private static float[] toFloats(ByteBuffer bytes) {
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static short[] shorts(ShortBuffer buffer) {
        short[] values = new short[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    /** The same graph run frame by frame with ONNX Runtime directly, its state fed back on the host. */
    private static final class PlainRun implements AutoCloseable {
        private final OrtSession session;
        private final Map<String, float[]> state = new HashMap<>();

        PlainRun(Path graph) throws Exception {
            session = OrtRuntime.ENV.createSession(graph.toString(), OrtRuntime.sessionOptions(1));
            state.put("hidden", new float[4 * H * W]);
            state.put("smoothed", new float[5 * H * W]);
        }

        Map<String, float[]> run(float[] current, float[] previous) throws Exception {
            Map<String, float[]> inputs = Map.of("current", current, "previous", previous, "hidden",
                    state.get("hidden"), "smoothed", state.get("smoothed"));
            Map<String, OnnxTensor> tensors = new HashMap<>();
            try {
                for (Map.Entry<String, float[]> input : inputs.entrySet()) {
                    tensors.put(input.getKey(), OnnxTensor.createTensor(OrtRuntime.ENV,
                            FloatBuffer.wrap(input.getValue()), shape(input.getKey(), H, W)));
                }
                Map<String, float[]> outputs = new HashMap<>();
                try (OrtSession.Result result = session.run(tensors)) {
                    result.forEach(output -> {
                        FloatBuffer values = ((OnnxTensor) output.getValue()).getFloatBuffer();
                        float[] array = new float[values.remaining()];
                        values.get(array);
                        outputs.put(output.getKey(), array);
                    });
                }
                STATE.forEach((output, input) -> state.put(input, outputs.get(output)));
                return outputs;
            } finally {
                tensors.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() throws Exception {
            session.close();
        }
    }
}
