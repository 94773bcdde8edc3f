package dev.flashvsr.engine.tensorrt.backend;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.VideoFrame;
import dev.flashvsr.engine.cuda.CudaDevice;
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
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One stream of a recurrent model on TensorRT, all on the GPU between one upload and one download
 * ({@link PipelinedGpuSession}): the frame is converted to planar R'G'B' in the graph's input type,
 * the engine runs with the stream's state, and its output is converted back to 8 bits. The state
 * never leaves the GPU: each state tensor has two buffers, and after every frame the input and
 * output addresses swap, as does the current frame's buffer with the previous frame's.
 */
final class TrtRecurrentSession extends PipelinedGpuSession {
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

    TrtRecurrentSession(CudaDevice device, StreamSpec spec, TrtEngine engine, ModelManifest.Graph graph)
            throws EngineException {
        super(device, spec);
        this.graph = graph;
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

    @Override
    protected void queueFrame(CudaStream stream, VideoFrame input, VideoFrame out) throws EngineException {
        kernels.toPlanar(stream, input, current);
        if (previous != null && !started) {
            // the first frame is its own previous frame
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
    }
}
