package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.sun.jna.Pointer;
import dev.flashvsr.engine.cpu.OrtRuntime;
import dev.flashvsr.engine.cuda.CudaException;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs the engine's ORT session on tensors at "device" addresses, which under HostCudaDriver are
 * host memory, as host work on the stream ({@link HostCuda#onStream}): emulated streams run at
 * once, and a captured one records it into its CUDA graph.
 */
final class OrtTrtContext implements TrtContext {
    static final String REMEDY = "set shapes within the engine's optimization profile and bind every tensor";

    /** Caller-owned activation memory, which TensorRT would use as it likes during each inference. */
    record Scratch(long address, long bytes) {
    }

    private final OrtTrtEngine engine;
    private final Scratch scratch;
    private final Map<String, long[]> inputShapes = new HashMap<>();
    private final Map<String, Long> addresses = new HashMap<>();
    private final Map<String, long[]> resolvedOutputs = new HashMap<>();
    private String resolvedFor = "";
    private boolean closed;

    /** @param scratch the caller's scratch memory, or null when the context has its own */
    OrtTrtContext(OrtTrtEngine engine, Scratch scratch) {
        this.engine = engine;
        this.scratch = scratch;
    }

    @Override
    public void setInputShape(String name, long[] shape) throws TrtException {
        TensorInfo tensor = engine.tensor(name);
        if (tensor == null || !tensor.input()) {
            throw runtime("setInputShape: " + name + " is not an input of the engine");
        }
        ShapeRange range = engine.settings().shapes().get(name);
        boolean fits = range == null ? Arrays.equals(shape, tensor.shape()) : range.contains(shape);
        if (!fits) {
            throw runtime("setInputShape: shape " + Arrays.toString(shape) + " of input " + name
                    + " is outside the engine's optimization profile ("
                    + (range == null ? "static " + Arrays.toString(tensor.shape()) : range) + ")");
        }
        inputShapes.put(name, shape.clone());
    }

    @Override
    public long[] shape(String name) throws TrtException {
        TensorInfo tensor = engine.tensor(name);
        if (tensor == null) {
            throw runtime("getTensorShape: the engine has no tensor " + name);
        }
        if (tensor.input()) {
            return inputShapes.containsKey(name) ? inputShapes.get(name).clone() : tensor.shape();
        }
        if (Arrays.stream(tensor.shape()).allMatch(d -> d >= 0)) {
            return tensor.shape();
        }
        return resolveOutputs().get(name).clone();
    }

    /**
     * The outputs' shapes for the current input shapes. TensorRT infers them without running; ORT
     * cannot, so the graph runs once on zeros per set of input shapes.
     */
    private Map<String, long[]> resolveOutputs() throws TrtException {
        requireAllShapes();
        String key = shapesKey();
        if (!key.equals(resolvedFor)) {
            Map<String, OnnxTensor> zeros = new LinkedHashMap<>();
            try {
                for (TensorInfo input : engine.inputs()) {
                    long[] shape = inputShapes.get(input.name());
                    ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(bytes(input, shape)))
                            .order(ByteOrder.nativeOrder());
                    zeros.put(input.name(), OnnxTensor.createTensor(OrtRuntime.ENV, bytes, shape,
                            OrtTensors.ortType(input.dataType())));
                }
                try (OrtSession.Result result = engine.session().run(zeros)) {
                    resolvedOutputs.clear();
                    result.forEach(output -> resolvedOutputs.put(output.getKey(),
                            ((OnnxTensor) output.getValue()).getInfo().getShape()));
                }
            } catch (OrtException e) {
                throw runtime("cannot infer the output shapes: " + e.getMessage());
            } finally {
                zeros.values().forEach(OnnxTensor::close);
            }
            resolvedFor = key;
        }
        return resolvedOutputs;
    }

    @Override
    public void setTensorAddress(String name, long deviceAddress) throws TrtException {
        if (engine.tensor(name) == null) {
            throw runtime("setTensorAddress: the engine has no tensor " + name);
        }
        if (deviceAddress == 0) {
            throw runtime("setTensorAddress: null address for tensor " + name);
        }
        addresses.put(name, deviceAddress);
    }

    /**
     * Checks the bindings now, as enqueueV3 does, and runs the inference on the stream: at once, or,
     * while the stream is captured into a CUDA graph, at each launch of that graph, with the shapes
     * and addresses bound now (a graph replays the bindings it was captured with).
     */
    @Override
    public void enqueue(long cudaStream) throws TrtException {
        requireAllShapes();
        for (TensorInfo tensor : engine.tensors()) {
            if (!addresses.containsKey(tensor.name())) {
                throw runtime("enqueueV3: the address of tensor " + tensor.name() + " is not set");
            }
        }
        Map<String, long[]> shapes = new HashMap<>(inputShapes);
        Map<String, Long> bound = new HashMap<>(addresses);
        try {
            HostCuda.onStream(cudaStream, () -> {
                clobberScratch(cudaStream);
                infer(shapes, bound);
            });
        } catch (CudaException e) {
            throw runtime("enqueueV3: " + e.getMessage());
        }
    }

    private void infer(Map<String, long[]> shapes, Map<String, Long> bound) throws TrtException {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (TensorInfo input : engine.inputs()) {
                long[] shape = shapes.get(input.name());
                inputs.put(input.name(), OnnxTensor.createTensor(OrtRuntime.ENV,
                        at(bound.get(input.name()), bytes(input, shape)), shape, OrtTensors.ortType(input.dataType())));
            }
            try (OrtSession.Result result = engine.session().run(inputs)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> output : result) {
                    ByteBuffer values = ((OnnxTensor) output.getValue()).getByteBuffer();
                    at(bound.get(output.getKey()), values.remaining()).put(values);
                }
            }
        } catch (OrtException e) {
            throw runtime("enqueueV3: the inference failed: " + e.getMessage());
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Overwrites the caller's scratch memory as TensorRT's activations would (so two contexts that
     * share it while running at the same time would corrupt each other's work), after checking it is
     * device memory.
     */
    private void clobberScratch(long cudaStream) throws TrtException {
        if (scratch == null) {
            return;
        }
        try {
            HostCuda.requireDeviceMemory(cudaStream, scratch.address(), scratch.bytes(), "enqueueV3 scratch");
        } catch (CudaException e) {
            throw runtime("enqueueV3: the context's scratch memory is not the GPU's: " + e.getMessage());
        }
        ByteBuffer memory = at(scratch.address(), scratch.bytes());
        while (memory.hasRemaining()) {
            memory.put((byte) 0xA5);
        }
    }

    private void requireAllShapes() throws TrtException {
        for (TensorInfo input : engine.inputs()) {
            if (!inputShapes.containsKey(input.name())) {
                if (Arrays.stream(input.shape()).anyMatch(d -> d < 0)) {
                    throw runtime("the shape of input " + input.name() + " is not set (setInputShape)");
                }
                inputShapes.put(input.name(), input.shape());
            }
        }
    }

    private String shapesKey() {
        StringBuilder key = new StringBuilder();
        for (TensorInfo input : engine.inputs()) {
            key.append(input.name()).append(Arrays.toString(inputShapes.get(input.name())));
        }
        return key.toString();
    }

    /** {@code bytes} of memory at {@code address}, as native-order bytes. */
    private static ByteBuffer at(long address, long bytes) {
        return new Pointer(address).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    private static long bytes(TensorInfo tensor, long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact) * tensor.dataType().bytes();
    }

    private static TrtException runtime(String message) {
        return new TrtException(Kind.RUNTIME, message, REMEDY);
    }

    @Override
    public void close() {
        addresses.clear();
        if (!closed) {
            closed = true;
            engine.contextClosed();
        }
    }
}
