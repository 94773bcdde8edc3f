package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * The element type a FlashVSR graph stores its weights in and computes with. Graph inputs,
 * outputs and streaming state are always float32 (the DiT's KV caches excepted: they are stored
 * in this type): a reduced-precision graph casts at its boundary and around normalisations,
 * which stay float32 (in the DiT also the residual stream, modulation, RoPE and softmax; explicit
 * Casts sit around every matrix product). TensorRT 11 is strongly typed and takes its precision
 * from exactly these types. Initializers are rounded to nearest even by
 * {@link dev.flashvsr.engine.onnx.OnnxGraphBuilder#initializer(String, TensorProto.DataType, float[], long...)}.
 */
public enum ComputeType {
    FP32(TensorProto.DataType.FLOAT),
    FP16(TensorProto.DataType.FLOAT16),
    BF16(TensorProto.DataType.BFLOAT16);

    private final TensorProto.DataType onnxType;

    ComputeType(TensorProto.DataType onnxType) {
        this.onnxType = onnxType;
    }

    /** The ONNX element type of weights and activations. */
    public TensorProto.DataType onnxType() {
        return onnxType;
    }

    /** Whether the graph computes in a type other than its float32 boundary. */
    public boolean isReduced() {
        return this != FP32;
    }
}
