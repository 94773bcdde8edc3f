package dev.flashvsr.engine.flashvsr.graph;

import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Element type of the DiT's matrix weights, matrix products and KV caches. The residual stream,
 * modulation, LayerNorm, RMSNorm, RoPE and softmax always run in float32; explicit Casts sit
 * around every product.
 */
public enum DitPrecision {
    FP32(TensorProto.DataType.FLOAT),
    FP16(TensorProto.DataType.FLOAT16),
    BF16(TensorProto.DataType.BFLOAT16);

    private final TensorProto.DataType type;

    DitPrecision(TensorProto.DataType type) {
        this.type = type;
    }

    /** The ONNX element type of weights, products and caches. */
    public TensorProto.DataType type() {
        return type;
    }
}
