package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.flashvsr.engine.onnx.OnnxGraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Weights stored in each precision's type (the conversions themselves: HalfFloatsTest). */
class ComputeTypeTest {

    private static TensorProto weight(ComputeType precision, float... values) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("w");
        b.weightInput("w", precision.onnxType(), new long[] {values.length}, Optional.empty(),
                (first, out, count) -> System.arraycopy(values, (int) first, out, 0, count));
        return b.build().getGraph().getInitializer(0);
    }

    @Test
    void weightsAreStoredLittleEndianInTheComputeType() {
        TensorProto half = weight(ComputeType.FP16, 1f, -2f);
        assertEquals(TensorProto.DataType.FLOAT16_VALUE, half.getDataType());
        ByteBuffer bytes = half.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, bytes.remaining());
        assertEquals(0x3c00, bytes.getShort(0) & 0xffff);
        assertEquals(0xc000, bytes.getShort(2) & 0xffff);
        TensorProto single = weight(ComputeType.FP32, 1.5f);
        assertEquals(TensorProto.DataType.FLOAT_VALUE, single.getDataType());
        assertEquals(1.5f, single.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        TensorProto brain = weight(ComputeType.BF16, 1.5f);
        assertEquals(TensorProto.DataType.BFLOAT16_VALUE, brain.getDataType());
        assertEquals(0x3fc0, brain.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getShort(0));
    }

    @Test
    void onlyFp32IsNotReduced() {
        assertFalse(ComputeType.FP32.isReduced());
        assertTrue(ComputeType.FP16.isReduced());
        assertTrue(ComputeType.BF16.isReduced());
    }
}
