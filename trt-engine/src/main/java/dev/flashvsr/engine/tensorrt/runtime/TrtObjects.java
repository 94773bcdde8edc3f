package dev.flashvsr.engine.tensorrt.runtime;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * Frees objects TensorRT's factories return, as C++ {@code delete object} does. The JavaCPP
 * presets (1.5.13) attach no deallocator to them (bytedeco/javacpp-presets#1699) and TensorRT 10
 * removed {@code destroy()}, so {@code Pointer.close()} would do nothing.
 *
 * <p>{@code delete} on a TensorRT 10 object calls its virtual deleting destructor. Every class
 * freed here derives from {@code nvinfer1::INoCopy}, whose only virtual function is its destructor,
 * so under the Itanium C++ ABI (Linux on x86-64 and aarch64) the object's vtable starts with the
 * complete-object destructor and then the deleting destructor; TensorRT's own subclasses keep that
 * prefix. The presets' libjninvinfer.so shows it for ICudaEngine, IExecutionContext, IRuntime,
 * IBuilder, IBuilderConfig, INetworkDefinition, IHostMemory and ITimingCache (their vtables list
 * D1 then D0). {@code nvonnxparser::IParser} does not derive from INoCopy (its destructor's slot
 * depends on the header's declaration order), so it is not freed here.
 */
final class TrtObjects {
    /** The deleting destructor's vtable slot: after the complete-object destructor. */
    static final int DELETING_DESTRUCTOR_SLOT = 1;

    private TrtObjects() {
    }

    /** Deletes the INoCopy-derived object at {@code address} (nothing for 0); it must not be used again. */
    static void delete(long address) {
        if (address == 0) {
            return;
        }
        Pointer object = new Pointer(address);
        Pointer vtable = object.getPointer(0);
        Pointer deletingDestructor = vtable.getPointer((long) DELETING_DESTRUCTOR_SLOT * Native.POINTER_SIZE);
        Function.getFunction(deletingDestructor).invokeVoid(new Object[] {object});
    }

    /** Deletes {@code object} (a JavaCPP view of an INoCopy-derived TensorRT object) and nulls the view. */
    static void delete(org.bytedeco.javacpp.Pointer object) {
        if (object != null && !object.isNull()) {
            delete(object.address());
            object.setNull();
        }
    }
}
