package dev.flashvsr.engine.tensorrt.runtime;

import dev.flashvsr.engine.tensorrt.runtime.TrtException.Kind;
import java.util.Arrays;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/** A TensorRT execution context. */
final class JavaCppTrtContext implements TrtContext {
    static final String REMEDY = "see TensorRT's messages; this is a bug in flashvsr's TensorRT provider if the"
            + " shapes lie in the engine's range";

    // keeps the engine (and through it the runtime and logger) referenced while the context runs
    private final JavaCppTrtEngine engine;
    private final IExecutionContext context;
    private final TrtMessages messages;

    JavaCppTrtContext(JavaCppTrtEngine engine, IExecutionContext context, TrtMessages messages) {
        this.engine = engine;
        this.context = context;
        this.messages = messages;
    }

    @Override
    public void setInputShape(String name, long[] shape) throws TrtException {
        messages.clear();
        if (!context.setInputShape(name, Shapes.dims(shape))) {
            throw new TrtException(Kind.RUNTIME, messages.describe("TensorRT refused shape " + Arrays.toString(shape)
                    + " for input " + name), REMEDY);
        }
    }

    @Override
    public long[] shape(String name) throws TrtException {
        messages.clear();
        long[] shape = Shapes.shape(context.getTensorShape(name));
        if (shape.length == 0 && !messages.errors().isEmpty()) {
            throw new TrtException(Kind.RUNTIME, messages.describe("TensorRT has no shape for tensor " + name),
                    REMEDY);
        }
        return shape;
    }

    @Override
    public void setTensorAddress(String name, long deviceAddress) throws TrtException {
        messages.clear();
        if (!context.setTensorAddress(name, new RawAddress(deviceAddress))) {
            throw new TrtException(Kind.RUNTIME, messages.describe("TensorRT refused the address of tensor " + name),
                    REMEDY);
        }
    }

    /** Gives a context created with user-managed memory its scratch (before its first enqueue). */
    void useScratch(long address, long bytes) {
        context.setDeviceMemoryV2(new RawAddress(address), bytes);
    }

    @Override
    public void enqueue(long cudaStream) throws TrtException {
        messages.clear();
        if (!context.enqueueV3(new CUstream_st(new RawAddress(cudaStream)))) {
            String what = "TensorRT could not enqueue the inference";
            if (messages.outOfMemory()) {
                throw new TrtException(Kind.OUT_OF_MEMORY, messages.describe(what), JavaCppTrtRuntime.MEMORY_REMEDY);
            }
            throw new TrtException(Kind.RUNTIME, messages.describe(what), REMEDY);
        }
    }

    /** Frees the native context (again: nothing). */
    @Override
    public void close() {
        TrtObjects.delete(context);
        engine.closed(this);
    }

    /** A JavaCPP view of an address owned elsewhere (CUDA's allocator, the session's stream). */
    private static final class RawAddress extends Pointer {
        RawAddress(long address) {
            this.address = address;
        }
    }
}
