package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

/** A deserialized TensorRT engine. */
final class JavaCppTrtEngine implements TrtEngine {
    // TensorRT calls the logger for as long as the runtime and engine live, so both stay referenced here
    private final IRuntime runtime;
    private final ICudaEngine engine;
    private final JavaCppTrtRuntime.ForwardingLogger logger;
    private final TrtMessages messages;
    private final List<TensorInfo> tensors;
    /** Contexts not closed yet: TensorRT needs them deleted before their engine. */
    private final List<JavaCppTrtContext> contexts = new ArrayList<>();

    JavaCppTrtEngine(IRuntime runtime, ICudaEngine engine, JavaCppTrtRuntime.ForwardingLogger logger,
            TrtMessages messages) {
        this.runtime = runtime;
        this.engine = engine;
        this.logger = logger;
        this.messages = messages;
        this.tensors = readTensors(engine);
    }

    private static List<TensorInfo> readTensors(ICudaEngine engine) {
        List<TensorInfo> tensors = new ArrayList<>();
        for (int i = 0; i < engine.getNbIOTensors(); i++) {
            String name = engine.getIOTensorName(i);
            boolean input = engine.getTensorIOMode(name) == nvinfer.TensorIOMode.kINPUT;
            tensors.add(new TensorInfo(name, input, dataType(engine.getTensorDataType(name)),
                    Shapes.shape(engine.getTensorShape(name))));
        }
        return List.copyOf(tensors);
    }

    static TensorInfo.DataType dataType(nvinfer.DataType type) {
        return switch (type) {
            case kFLOAT -> TensorInfo.DataType.FLOAT;
            case kHALF -> TensorInfo.DataType.HALF;
            case kBF16 -> TensorInfo.DataType.BF16;
            case kINT8 -> TensorInfo.DataType.INT8;
            case kUINT8 -> TensorInfo.DataType.UINT8;
            case kINT32 -> TensorInfo.DataType.INT32;
            case kINT64 -> TensorInfo.DataType.INT64;
            case kBOOL -> TensorInfo.DataType.BOOL;
            case kFP8 -> TensorInfo.DataType.FP8;
            case kINT4 -> TensorInfo.DataType.INT4;
            default -> throw new IllegalArgumentException("TensorRT data type " + type
                    + " is not one flashvsr's graphs use");
        };
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public TrtContext createContext() throws TrtException {
        messages.clear();
        return created(engine.createExecutionContext());
    }

    @Override
    public long scratchBytes() {
        return engine.getDeviceMemorySizeV2();
    }

    @Override
    public TrtContext createContext(long scratchAddress, long scratchBytes) throws TrtException {
        long needed = scratchBytes();
        if (scratchBytes < needed) {
            throw new IllegalArgumentException("a context of this engine needs " + needed + " bytes of scratch, not "
                    + scratchBytes);
        }
        messages.clear();
        JavaCppTrtContext context = created(engine.createExecutionContext(
                nvinfer.ExecutionContextAllocationStrategy.kUSER_MANAGED));
        context.useScratch(scratchAddress, scratchBytes);
        return context;
    }

    @Override
    public long streamableWeightBytes() {
        return engine.getStreamableWeightsSize();
    }

    @Override
    public void streamWeights(long budgetBytes) throws TrtException {
        long streamable = streamableWeightBytes();
        if (streamable == 0) {
            throw new TrtException(Kind.RUNTIME, "this TensorRT engine was built without weight streaming",
                    "build it with BuildSettings.weightStreaming (delete the cached engine so it is rebuilt)");
        }
        if (budgetBytes < 0 || budgetBytes > streamable) {
            throw new IllegalArgumentException("a weight streaming budget is 0 to " + streamable + " bytes, not "
                    + budgetBytes);
        }
        synchronized (contexts) {
            if (!contexts.isEmpty()) {
                throw new TrtException(Kind.RUNTIME, "TensorRT cannot change the weight streaming budget while the"
                        + " engine has " + contexts.size() + " open execution context(s)",
                        "set the budget right after loading the engine, before creating contexts");
            }
            messages.clear();
            if (!engine.setWeightStreamingBudgetV2(budgetBytes)) {
                String what = "TensorRT refused the weight streaming budget of " + budgetBytes + " bytes";
                if (messages.outOfMemory()) {
                    throw new TrtException(Kind.OUT_OF_MEMORY, messages.describe(what),
                            JavaCppTrtRuntime.MEMORY_REMEDY);
                }
                throw new TrtException(Kind.RUNTIME, messages.describe(what), "see TensorRT's messages");
            }
        }
    }

    private JavaCppTrtContext created(IExecutionContext context) throws TrtException {
        if (context == null || context.isNull()) {
            String what = "TensorRT could not create an execution context";
            if (messages.outOfMemory()) {
                throw new TrtException(Kind.OUT_OF_MEMORY, messages.describe(what), JavaCppTrtRuntime.MEMORY_REMEDY);
            }
            throw new TrtException(Kind.RUNTIME, messages.describe(what), "see TensorRT's messages");
        }
        JavaCppTrtContext created = new JavaCppTrtContext(this, context, messages);
        synchronized (contexts) {
            contexts.add(created);
        }
        return created;
    }

    void closed(JavaCppTrtContext context) {
        synchronized (contexts) {
            contexts.remove(context);
        }
    }

    /**
     * Frees the contexts still open, the engine and its runtime, in that order (TensorRT's rule).
     * The logger is left to JavaCPP, which frees it once this engine is unreachable.
     */
    @Override
    public void close() {
        List<JavaCppTrtContext> open;
        synchronized (contexts) {
            open = List.copyOf(contexts);
        }
        open.forEach(JavaCppTrtContext::close);
        TrtObjects.delete(engine);
        TrtObjects.delete(runtime);
    }
}
