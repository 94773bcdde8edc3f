package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.FrameMemory;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.CudaGraph;
import dev.flashvsr.engine.cuda.CudaStream;
import dev.flashvsr.engine.cuda.DeviceBuffer;
import dev.flashvsr.engine.cuda.PinnedBuffer;
import dev.flashvsr.engine.gpu.FrameKernels;
import dev.flashvsr.engine.gpu.PipelinedGpuSession;
import dev.flashvsr.engine.gpu.PlanarImage;
import dev.flashvsr.engine.pkg.ModelManifest;
import dev.flashvsr.engine.tensorrt.runtime.TensorInfo;
import dev.flashvsr.engine.tensorrt.runtime.TrtContext;
import dev.flashvsr.engine.tensorrt.runtime.TrtEngine;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One stream of a recurrent model on TensorRT, all on the GPU between one upload and one download
 * ({@link PipelinedGpuSession}): the frame is converted to planar R'G'B' in the graph's input type,
 * the engine runs with the stream's state, and its output is converted back to 8 bits. The state
 * never leaves the GPU: each state tensor has two buffers, and after every frame the input and
 * output addresses swap, as does the current frame's buffer with the previous frame's.
 *
 * <p>With CUDA graphs on, each frame's work after the first is captured once per set of addresses
 * it binds (two sets, alternating) and then replayed with one launch per frame.
 */
final class TrtRecurrentSession extends PipelinedGpuSession {
    private static final System.Logger LOG = System.getLogger(TrtRecurrentSession.class.getName());
    private static final int MAX_GRAPHS = 2;

    private final ModelManifest.Graph graph;
    private final TrtContext context;
    private final FrameKernels kernels;
    private final PlanarImage output;
    private PlanarImage current;
    /** The previous frame as the graph takes it, or null when the graph has no such input. */
    private PlanarImage previous;
    private final DeviceBuffer[] stateIn;
    private final DeviceBuffer[] stateOut;
    /** Per state: a pinned buffer holding its initial value in every element, or null when that is 0. */
    private final PinnedBuffer[] initialState;
    private boolean started;
    /** Whether frames run through CUDA graphs: the session option, off after a failed capture. */
    private boolean cudaGraphs;
    /**
     * Captured frames by their bindings. Two: the pipeline's slot and the state's parity both
     * alternate every frame, so host frames take turns between two sets of addresses.
     */
    private final Map<List<Long>, CudaGraph> graphs = new HashMap<>();

    /** @param cudaGraphs whether to capture each frame's work into CUDA graphs and replay them */
    TrtRecurrentSession(CudaDevice device, StreamSpec spec, TrtEngine engine, ModelManifest.Graph graph,
            boolean cudaGraphs) throws EngineException {
        super(device, spec);
        this.graph = graph;
        this.cudaGraphs = cudaGraphs;
        try {
            Map<String, TensorInfo> tensors = engine.tensors().stream()
                    .collect(Collectors.toMap(TensorInfo::name, t -> t));
            context = own(engine.createContext());
            for (Map.Entry<String, long[]> input : RecurrentEngines.inputShapes(graph, spec.width(), spec.height())
                    .entrySet()) {
                context.setInputShape(input.getKey(), input.getValue());
            }
            kernels = own(new FrameKernels(device.kernels(), spec.colorimetry()));
            boolean halfIn = isHalf(tensors, graph.frameInput());
            current = planar(halfIn, spec.width(), spec.height());
            previous = graph.previousInput().isPresent() ? planar(halfIn, spec.width(), spec.height()) : null;
            output = planar(isHalf(tensors, graph.frameOutput()), spec.outputWidth(), spec.outputHeight());
            int states = graph.state().size();
            stateIn = new DeviceBuffer[states];
            stateOut = new DeviceBuffer[states];
            initialState = new PinnedBuffer[states];
            for (int i = 0; i < states; i++) {
                ModelManifest.State state = graph.state().get(i);
                boolean half = isHalf(tensors, state.input());
                if (half != isHalf(tensors, state.output())) {
                    throw new EngineException("graph " + graph.file() + " reads state " + state.input() + " and writes "
                            + state.output() + " in different types", "Rebuild the model package");
                }
                long bytes = (long) state.channels() * spec.width() * spec.height() * (half ? 2 : 4);
                stateIn[i] = own(device.allocate(bytes));
                stateOut[i] = own(device.allocate(bytes));
                if (state.initial() != 0) {
                    initialState[i] = own(filled(device.pinned(bytes), state.initial(), half));
                }
            }
            resetState();
        } catch (EngineException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private PlanarImage planar(boolean half, int width, int height) throws EngineException {
        return PlanarImage.tight(own(device().allocate(PlanarImage.bytes(width, height, half))), half, width, height);
    }

    /** Whether a tensor is FP16 (else FP32); other types are refused, naming the tensor. */
    private boolean isHalf(Map<String, TensorInfo> tensors, String name) throws EngineException {
        TensorInfo tensor = tensors.get(name);
        if (tensor == null) {
            throw new EngineException("the TensorRT engine of " + graph.file() + " has no tensor '" + name
                    + "' that the manifest names (it has " + tensors.keySet() + ")", "Rebuild the model package");
        }
        return switch (tensor.dataType()) {
            case FLOAT -> false;
            case HALF -> true;
            default -> throw new EngineException("tensor '" + name + "' of " + graph.file() + " is "
                    + tensor.dataType() + "; frames and states must be FLOAT or HALF", "Rebuild the model package");
        };
    }

    private static PinnedBuffer filled(PinnedBuffer buffer, float value, boolean half) {
        ByteBuffer bytes = buffer.buffer();
        if (half) {
            short bits = HalfFloats.floatToFloat16(value);
            while (bytes.remaining() >= 2) {
                bytes.putShort(bits);
            }
        } else {
            while (bytes.remaining() >= 4) {
                bytes.putFloat(value);
            }
        }
        return buffer;
    }

    /**
     * The frame's work: plainly for the first frame after an open or reset (TensorRT needs one
     * plain enqueue before a capture, and that frame is also its own previous frame), then through
     * CUDA graphs where allowed: the first frame of each binding is captured, later ones replay it.
     */
    @Override
    protected void queueFrame(CudaStream stream, VideoFrame input, VideoFrame out) throws EngineException {
        CudaGraph captured = started && cudaGraphs ? captured(stream, input, out) : null;
        if (captured != null) {
            captured.launch(stream);
        } else {
            queueWork(stream, input, out);
        }
        for (int i = 0; i < stateIn.length; i++) {
            DeviceBuffer next = stateOut[i];
            stateOut[i] = stateIn[i];
            stateIn[i] = next;
        }
        if (previous != null) {
            PlanarImage last = current;
            current = previous;
            previous = last;
        }
        started = true;
    }

    /** Upload conversion, inference with this frame's bindings, conversion back: what a graph holds. */
    private void queueWork(CudaStream stream, VideoFrame input, VideoFrame out) throws EngineException {
        kernels.toPlanar(stream, input, current);
        if (previous != null && !started) {
            // the first frame is its own previous frame (never captured: graphs start at the second)
            stream.copy(current.buffer(), 0, previous.buffer(), 0, current.buffer().bytes());
        }
        context.setTensorAddress(graph.frameInput(), current.buffer().address());
        if (previous != null) {
            context.setTensorAddress(graph.previousInput().orElseThrow(), previous.buffer().address());
        }
        for (int i = 0; i < stateIn.length; i++) {
            context.setTensorAddress(graph.state().get(i).input(), stateIn[i].address());
            context.setTensorAddress(graph.state().get(i).output(), stateOut[i].address());
        }
        context.setTensorAddress(graph.frameOutput(), output.buffer().address());
        context.enqueue(stream.handle());
        kernels.fromPlanar(stream, output, out);
    }

    /**
     * The CUDA graph of this frame's bindings: captured now if new, while fewer than {@link #MAX_GRAPHS}
     * exist; null when there are that many already (device frames at changing addresses run
     * plainly) or when capture fails, which turns graphs off for this session, logged once.
     */
    private CudaGraph captured(CudaStream stream, VideoFrame input, VideoFrame out) {
        List<Long> bindings = bindings(input, out);
        CudaGraph captured = graphs.get(bindings);
        if (captured != null || graphs.size() >= MAX_GRAPHS) {
            return captured;
        }
        try {
            captured = stream.capture(() -> queueWork(stream, input, out));
        } catch (EngineException | RuntimeException e) {
            cudaGraphs = false;
            LOG.log(System.Logger.Level.WARNING, "CUDA graph capture of " + graph.file() + " failed ("
                    + e.getMessage() + "); this stream runs each frame's work without graphs");
            return null;
        }
        graphs.put(bindings, captured);
        return captured;
    }

    /** Every address a frame's work reads or writes: one graph per distinct list. */
    private List<Long> bindings(VideoFrame input, VideoFrame out) {
        List<Long> bindings = new ArrayList<>();
        for (VideoFrame frame : List.of(input, out)) {
            FrameMemory.Device memory = (FrameMemory.Device) frame.memory();
            for (int p = 0; p < memory.planeCount(); p++) {
                bindings.add(memory.address(p));
            }
        }
        bindings.add(current.buffer().address());
        if (previous != null) {
            bindings.add(previous.buffer().address());
        }
        for (int i = 0; i < stateIn.length; i++) {
            bindings.add(stateIn[i].address());
            bindings.add(stateOut[i].address());
        }
        return bindings;
    }

    /** Initial state in every state buffer the next frame reads; the next frame is its own previous frame. */
    @Override
    protected void resetState() throws EngineException {
        CudaStream stream = stream();
        for (int i = 0; i < stateIn.length; i++) {
            if (initialState[i] == null) {
                stream.fill(stateIn[i], 0, stateIn[i].bytes(), 0);
            } else {
                stream.upload(initialState[i], stateIn[i], stateIn[i].bytes());
            }
        }
        stream.synchronize();
        started = false;
        // captured again after the next plain frame, as after an open
        dropGraphs();
    }

    private void dropGraphs() throws CudaException {
        for (CudaGraph captured : graphs.values()) {
            captured.close();
        }
        graphs.clear();
    }

    @Override
    public void close() {
        try {
            dropGraphs();
        } catch (CudaException e) {
            // a failed GPU: the device's own close reports it; the session's buffers are still released
        }
        super.close();
    }
}
