package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import dev.flashvsr.engine.flashvsr.ChunkGraphs;
import dev.flashvsr.engine.flashvsr.DecoderLatents;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.flashvsr.FlashVsrLayout;
import dev.flashvsr.engine.flashvsr.FrameStore;
import dev.flashvsr.engine.flashvsr.FrameTensor;
import dev.flashvsr.engine.flashvsr.StateStore;
import dev.flashvsr.engine.flashvsr.graph.LqProjectorGraph;
import dev.flashvsr.engine.flashvsr.graph.TcDecoderGraph;
import dev.flashvsr.engine.gpu.LatentKernels;
import dev.flashvsr.engine.tensorrt.runtime.TensorInfo;
import dev.flashvsr.engine.tensorrt.runtime.TrtContext;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One FlashVSR stream's five graphs as TensorRT execution contexts on one CUDA stream. The state
 * ({@link DeviceState}) stays on the GPU, swapped by address between runs; the projector writes
 * its tokens straight into the DiT's {@code lq_tokens} buffer (one slot per projector step). The
 * frames stay on the GPU too ({@link DeviceFrameStore}): the projector's videos and the decoder's
 * conditioning are bound where the store stacked them, and the decoded frames are left in the
 * decoder's output buffer for the store. Per chunk only the noise latents and positions are
 * uploaded; the one step from the DiT's {@code noise_pred} to the decoder's latents runs on the GPU
 * ({@link LatentKernels}). Frames given as host floats (upstream-reference mode) are uploaded and
 * the decoded frames downloaded as float32.
 * Runs that repeat their bindings (a later chunk's) go through CUDA graphs ({@link RunGraphs}).
 * The five contexts run one after another on the stream, so they share one scratch buffer for
 * TensorRT's activations, the largest any of them needs, instead of one each.
 */
final class TrtChunkGraphs implements ChunkGraphs {
    private static final String STATE_SUFFIX = "_out";
    private static final String DIT_TOKENS = "lq_tokens";
    private static final String NOISE_PRED = "noise_pred";

    /** One graph's context and tensors. */
    private record GraphRun(ExportedGraph which, TrtContext context, Map<String, TensorInfo> tensors) {
        TensorInfo tensor(String name) throws EngineException {
            TensorInfo tensor = tensors.get(name);
            if (tensor == null) {
                throw new EngineException("the TensorRT engine of the FlashVSR " + which.what() + " has no tensor '"
                        + name + "' (it has " + tensors.keySet() + ")", "Export the graphs again (delete the engine "
                        + "cache's flashvsr-graphs folder)");
            }
            return tensor;
        }
    }

    private final CudaDevice device;
    private final FlashVsrLayout layout;
    private final CudaStream stream;
    private final Staging staging;
    private final DeviceState state;
    private final Map<ExportedGraph, GraphRun> runs = new EnumMap<>(ExportedGraph.class);
    /** Device buffers of per-call inputs and outputs, by graph and tensor. */
    private final Map<String, DeviceBuffer> buffers = new HashMap<>();
    private final DeviceBuffer tokens;
    private final DeviceBuffer scratch;
    private final RunGraphs captured;
    private final LatentKernels latentKernels;
    private final long tokenSlotBytes;
    private int projectedSlots;

    /** @param cudaGraphs whether repeated runs go through CUDA graphs ({@link RunGraphs}) */
    TrtChunkGraphs(CudaDevice device, FlashVsrLayout layout, Map<ExportedGraph, TrtEngine> engines,
            boolean cudaGraphs) throws EngineException {
        this.device = device;
        this.layout = layout;
        CudaStream opened = null;
        Staging staged = null;
        DeviceState held = null;
        DeviceBuffer tokenBuffer = null;
        DeviceBuffer shared = null;
        try {
            opened = device.newStream();
            staged = new Staging(device, opened);
            held = new DeviceState(device, opened, staged);
            long scratchBytes = engines.values().stream().mapToLong(TrtEngine::scratchBytes).max().orElse(0);
            shared = device.allocate(Math.max(1, scratchBytes)); // an engine may need none; CUDA allocates no 0 bytes
            for (ExportedGraph which : ExportedGraph.values()) {
                runs.put(which, context(which, engines.get(which), shared));
            }
            TensorInfo projected = runs.get(ExportedGraph.LQ_PROJECTOR).tensor(LqProjectorGraph.TOKENS);
            tokenSlotBytes = projected.bytes();
            long tokenBytes = 0;
            for (boolean first : new boolean[] {true, false}) {
                TensorInfo ditTokens = runs.get(ExportedGraph.dit(first)).tensor(DIT_TOKENS);
                if (ditTokens.dataType() != projected.dataType() || ditTokens.bytes() % tokenSlotBytes != 0) {
                    throw new EngineException("the FlashVSR projector writes " + projected + " but the "
                            + ExportedGraph.dit(first).what() + " reads " + ditTokens, "Export the graphs again "
                            + "(delete the engine cache's flashvsr-graphs folder) and report a bug if it persists");
                }
                tokenBytes = Math.max(tokenBytes, ditTokens.bytes());
            }
            tokenBuffer = device.allocate(tokenBytes);
        } catch (EngineException | RuntimeException e) {
            runs.values().forEach(run -> run.context().close());
            closeQuietly(opened, staged, held, tokenBuffer, shared);
            throw e;
        }
        this.stream = opened;
        this.staging = staged;
        this.state = held;
        this.tokens = tokenBuffer;
        this.scratch = shared;
        this.captured = new RunGraphs(opened, cudaGraphs);
        this.latentKernels = new LatentKernels(device);
    }

    private GraphRun context(ExportedGraph which, TrtEngine engine, DeviceBuffer scratch) throws EngineException {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        engine.tensors().forEach(tensor -> tensors.put(tensor.name(), tensor));
        TrtContext context = engine.createContext(scratch.address(), scratch.bytes());
        GraphRun run = new GraphRun(which, context, tensors);
        try {
            for (TensorInfo tensor : tensors.values()) {
                if (Arrays.stream(tensor.shape()).anyMatch(d -> d < 0)) {
                    throw new EngineException("the TensorRT engine of the FlashVSR " + which.what() + " has a dynamic "
                            + tensor, "Export the graphs again (delete the engine cache's flashvsr-graphs folder)");
                }
                if (tensor.input()) {
                    context.setInputShape(tensor.name(), tensor.shape());
                }
            }
        } catch (EngineException | RuntimeException e) {
            context.close();
            throw e;
        }
        return run;
    }

    @Override
    public FlashVsrLayout layout() {
        return layout;
    }

    @Override
    public StateStore state() {
        return state;
    }

    /** Frames on the GPU are bound where they are; host frames (upstream-reference mode) are uploaded. */
    @Override
    public void project(FrameTensor video, int tokenSlot) throws EngineException {
        GraphRun lq = runs.get(ExportedGraph.LQ_PROJECTOR);
        long address = video instanceof FrameTensor.Device frames ? bind(lq, LqProjectorGraph.VIDEO, frames)
                : upload(lq, LqProjectorGraph.VIDEO, video.hostValues());
        project(lq, address, tokenSlot);
    }

    private void project(GraphRun lq, long video, int tokenSlot) throws EngineException {
        long tokensAddress;
        if (tokenSlot < 0) {
            tokensAddress = buffer(lq, LqProjectorGraph.TOKENS).address();
        } else {
            if ((tokenSlot + 1) * tokenSlotBytes > tokens.bytes()) {
                throw new EngineException("FlashVSR projector step " + tokenSlot + " is past the DiT's tokens ("
                        + tokens.bytes() / tokenSlotBytes + " steps)", "Report a bug");
            }
            tokensAddress = tokens.address() + tokenSlot * tokenSlotBytes;
            projectedSlots = Math.max(projectedSlots, tokenSlot + 1);
        }
        run(lq, Map.of(LqProjectorGraph.VIDEO, video, LqProjectorGraph.TOKENS, tokensAddress));
    }

    /**
     * The DiT, then the one step on the GPU ({@link LatentKernels#oneStep}) into the decoder's
     * latents buffer: the prediction and the latents never leave the GPU.
     */
    @Override
    public DecoderLatents denoise(boolean firstChunk, float[] x, long[] positions,
            Consumer<Map<String, float[]>> ditOutputs) throws EngineException {
        if (ditOutputs != null) {
            throw new IllegalArgumentException("the TensorRT backend keeps the FlashVSR DiT's outputs on the GPU, so "
                    + "they cannot be observed; calibrate on the CPU backend (FlashVsrCalibration does)");
        }
        GraphRun dit = runs.get(ExportedGraph.dit(firstChunk));
        DeviceBuffer prediction = runDit(dit, x, positions);
        GraphRun decoder = runs.get(ExportedGraph.decoder(firstChunk));
        TensorInfo predicted = floatOrHalf(dit, NOISE_PRED);
        TensorInfo latents = floatOrHalf(decoder, TcDecoderGraph.LATENTS);
        long[] shape = predicted.shape(); // [1, C, T, h, w], as x
        if (shape.length != 5 || !Arrays.equals(shape, dit.tensor("x").shape()) || latents.elements() != x.length) {
            throw new EngineException("the FlashVSR " + dit.which().what() + " predicts " + predicted + " for "
                    + dit.tensor("x") + " and the " + decoder.which().what() + " reads " + latents + "; each must be "
                    + "[1, C, T, h, w] latents", "Export the graphs again (delete the engine cache's flashvsr-graphs "
                    + "folder)");
        }
        DeviceBuffer out = buffer(decoder, TcDecoderGraph.LATENTS);
        try {
            latentKernels.oneStep(stream, buffer(dit, "x").address(), prediction.address(), isHalf(predicted),
                    out.address(), isHalf(latents), Math.toIntExact(shape[1]), Math.toIntExact(shape[2]),
                    Math.toIntExact(shape[3] * shape[4]));
        } catch (CudaException e) {
            throw new EngineException("cannot run FlashVSR's one step on the GPU: " + e.getMessage(),
                    "Check the GPU and its driver (nvidia-smi)");
        }
        return new DecoderLatents.Device(out.address());
    }

    /** Runs the DiT on noise {@code x}; returns the buffer of its {@code noise_pred}. */
    private DeviceBuffer runDit(GraphRun dit, float[] x, long[] positions) throws EngineException {
        long expected = dit.tensor(DIT_TOKENS).bytes();
        if (projectedSlots * tokenSlotBytes != expected) {
            throw new EngineException("the FlashVSR " + dit.which().what() + " takes " + expected / tokenSlotBytes
                    + " projector steps of tokens but " + projectedSlots + " ran", "Report a bug");
        }
        projectedSlots = 0;
        DeviceBuffer prediction = buffer(dit, NOISE_PRED);
        run(dit, Map.of("x", upload(dit, "x", x), DIT_TOKENS, tokens.address(),
                "t_positions", upload(dit, "t_positions", positions), NOISE_PRED, prediction.address()));
        return prediction;
    }

    /**
     * Latents on the GPU are bound where {@link #denoise} left them. With conditioning frames on the
     * GPU the decoded frames stay there, in the decoder's output buffer; else they are downloaded.
     */
    @Override
    public FrameTensor decode(boolean firstChunk, DecoderLatents latents, FrameTensor cond) throws EngineException {
        GraphRun decoder = runs.get(ExportedGraph.decoder(firstChunk));
        long latentsAddress = latents instanceof DecoderLatents.Device device ? device.address()
                : upload(decoder, TcDecoderGraph.LATENTS, latents.hostValues());
        if (!(cond instanceof FrameTensor.Device condFrames)) {
            DeviceBuffer frames = decode(decoder, latentsAddress, upload(decoder, TcDecoderGraph.COND,
                    cond.hostValues()));
            return new FrameTensor.Host(download(decoder, TcDecoderGraph.FRAMES, frames));
        }
        DeviceBuffer frames = decode(decoder, latentsAddress, bind(decoder, TcDecoderGraph.COND, condFrames));
        TensorInfo out = floatOrHalf(decoder, TcDecoderGraph.FRAMES);
        return new FrameTensor.Device(frames.address(), out.bytes(), isHalf(out));
    }

    private DeviceBuffer decode(GraphRun decoder, long latents, long cond) throws EngineException {
        DeviceBuffer frames = buffer(decoder, TcDecoderGraph.FRAMES);
        run(decoder, Map.of(TcDecoderGraph.LATENTS, latents, TcDecoderGraph.COND, cond, TcDecoderGraph.FRAMES,
                frames.address()));
        return frames;
    }

    /** Tensor {@code name} of {@code run}, which this backend reads or writes only as FLOAT or HALF. */
    private static TensorInfo floatOrHalf(GraphRun run, String name) throws EngineException {
        TensorInfo tensor = run.tensor(name);
        if (tensor.dataType() != TensorInfo.DataType.FLOAT && tensor.dataType() != TensorInfo.DataType.HALF) {
            throw new EngineException("the FlashVSR " + run.which().what() + " has " + tensor
                    + "; this backend handles FLOAT or HALF there", "Export the graphs again");
        }
        return tensor;
    }

    private static boolean isHalf(TensorInfo tensor) {
        return tensor.dataType() == TensorInfo.DataType.HALF;
    }

    @Override
    public Optional<FrameStore> deviceFrames(StreamSpec spec, int modelWidth, int modelHeight,
            DiffusionOptions.ColorFix colorFix) throws EngineException {
        return Optional.of(new DeviceFrameStore(device, stream, staging, spec, modelWidth, modelHeight, colorFix));
    }

    /** The address of frames already on the GPU as float32 input {@code name}, checked against its tensor. */
    private static long bind(GraphRun run, String name, FrameTensor.Device frames) throws EngineException {
        TensorInfo tensor = run.tensor(name);
        if (tensor.dataType() != TensorInfo.DataType.FLOAT || frames.half() || frames.bytes() != tensor.bytes()) {
            throw new EngineException("the FlashVSR " + run.which().what() + " takes " + tensor + ", not "
                    + frames.bytes() + " bytes of " + (frames.half() ? "HALF" : "FLOAT") + " frames",
                    "Export the graphs again (delete the engine cache's flashvsr-graphs folder) and report a bug if "
                    + "it persists");
        }
        return frames.address();
    }

    /**
     * Binds {@code bound} and the state (inputs {@code X} to their values, outputs {@code X_out} to
     * spares), enqueues the graph, and makes the spares the state's values.
     */
    private void run(GraphRun run, Map<String, Long> bound) throws EngineException {
        List<TensorInfo> written = new ArrayList<>();
        List<Long> bindings = new ArrayList<>();
        for (TensorInfo tensor : run.tensors().values()) {
            Long address = bound.get(tensor.name());
            if (address == null) {
                if (tensor.input()) {
                    address = state.input(tensor.name(), tensor.dataType(), tensor.bytes(), run.which().what());
                } else if (tensor.name().endsWith(STATE_SUFFIX)) {
                    address = state.output(stateInput(tensor), tensor.bytes());
                    written.add(tensor);
                } else {
                    address = buffer(run, tensor.name()).address(); // an output no step reads
                }
            }
            run.context().setTensorAddress(tensor.name(), address);
            bindings.add(address);
        }
        captured.enqueue(run.which(), run.context(), bindings);
        for (TensorInfo tensor : written) {
            state.commit(stateInput(tensor), tensor.dataType(), tensor.bytes());
        }
    }

    private static String stateInput(TensorInfo output) {
        return output.name().substring(0, output.name().length() - STATE_SUFFIX.length());
    }

    /** Queues the upload of a float32 input; returns its device address. */
    private long upload(GraphRun run, String name, float[] values) throws EngineException {
        return upload(run, name, TensorInfo.DataType.FLOAT, values.length, bytes -> bytes.asFloatBuffer().put(values));
    }

    /** Queues the upload of an int64 input; returns its device address. */
    private long upload(GraphRun run, String name, long[] values) throws EngineException {
        return upload(run, name, TensorInfo.DataType.INT64, values.length, bytes -> bytes.asLongBuffer().put(values));
    }

    private long upload(GraphRun run, String name, TensorInfo.DataType type, int count, Consumer<ByteBuffer> write)
            throws EngineException {
        TensorInfo tensor = run.tensor(name);
        long bytes = tensor.bytes();
        if (tensor.dataType() != type || bytes != (long) count * type.bytes()) {
            throw new EngineException("the FlashVSR " + run.which().what() + " takes " + tensor + ", not " + count
                    + " values of " + type, "Export the graphs again (delete the engine cache's flashvsr-graphs "
                    + "folder) and report a bug if it persists");
        }
        DeviceBuffer buffer = buffer(run, name);
        PinnedBuffer pinned = staging.buffer("upload " + run.which() + "/" + name, bytes);
        write.accept(pinned.buffer());
        stream.upload(pinned, buffer, bytes);
        return buffer.address();
    }

    /** Downloads an output (FLOAT or HALF) as float32, waiting for the stream. */
    private float[] download(GraphRun run, String name, DeviceBuffer buffer) throws EngineException {
        TensorInfo tensor = floatOrHalf(run, name);
        long bytes = tensor.bytes();
        boolean half = isHalf(tensor);
        PinnedBuffer pinned = staging.buffer("download " + run.which() + "/" + name, bytes);
        stream.download(buffer, pinned, bytes);
        staging.synchronize();
        ByteBuffer values = pinned.buffer();
        float[] out = new float[Math.toIntExact(tensor.elements())];
        if (half) {
            for (int i = 0; i < out.length; i++) {
                out[i] = HalfFloats.float16ToFloat(values.getShort(2 * i));
            }
        } else {
            values.asFloatBuffer().get(out);
        }
        return out;
    }

    /** The device buffer of a per-call tensor, allocated on first use. */
    private DeviceBuffer buffer(GraphRun run, String name) throws EngineException {
        String key = run.which() + "/" + name;
        DeviceBuffer buffer = buffers.get(key);
        if (buffer == null) {
            buffer = device.allocate(run.tensor(name).bytes());
            buffers.put(key, buffer);
        }
        return buffer;
    }

    @Override
    public void reset() {
        state.clear();
        projectedSlots = 0;
    }

    /** Waits for the stream, then releases the contexts and every buffer. */
    @Override
    public void close() {
        try {
            staging.synchronize();
        } catch (CudaException e) {
            // closing anyway: the device releases what is left when it closes
        }
        captured.close();
        runs.values().forEach(run -> run.context().close());
        runs.clear();
        buffers.values().forEach(DeviceBuffer::close);
        buffers.clear();
        closeQuietly(stream, staging, state, tokens, scratch);
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // the device releases what is left when it closes
                }
            }
        }
    }
}
