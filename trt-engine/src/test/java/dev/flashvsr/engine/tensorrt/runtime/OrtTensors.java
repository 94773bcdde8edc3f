package dev.flashvsr.engine.tensorrt.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;

/** ONNX Runtime's tensor descriptions in the runtime interface's terms. */
final class OrtTensors {
    private OrtTensors() {
    }

    /** The node's shape, -1 where dynamic (ORT's convention too). */
    static long[] shape(NodeInfo node) {
        return tensor(node).getShape();
    }

    static dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType dataType(NodeInfo node) {
        OnnxJavaType type = tensor(node).type;
        return switch (type) {
            case FLOAT -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.FLOAT;
            case FLOAT16 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.HALF;
            case BFLOAT16 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.BF16;
            case INT8 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.INT8;
            case UINT8 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.UINT8;
            case INT32 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.INT32;
            case INT64 -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.INT64;
            case BOOL -> dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType.BOOL;
            default -> throw new IllegalArgumentException("tensor " + node.getName() + " has type " + type
                    + ", which TensorRT engines of flashvsr's graphs do not have");
        };
    }

    /** ORT's element type for an interface data type. */
    static OnnxJavaType ortType(dev.flashvsr.engine.tensorrt.runtime.TensorInfo.DataType type) {
        return switch (type) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case HALF -> OnnxJavaType.FLOAT16;
            case BF16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("the ORT test runtime cannot feed " + type + " tensors");
        };
    }

    private static TensorInfo tensor(NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw new IllegalArgumentException(node.getName() + " is not a tensor: " + node.getInfo());
        }
        return tensor;
    }
}
