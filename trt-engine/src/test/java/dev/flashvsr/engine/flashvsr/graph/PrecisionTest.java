package dev.flashvsr.engine.flashvsr.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class PrecisionTest {

    @Test
    void everyFiniteHalfRoundTrips() {
        for (int bits = 0; bits < 0x10000; bits++) {
            if ((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0) {
                continue; // NaN payloads need not survive
            }
            float value = HalfFloats.float16ToFloat((short) bits);
            assertEquals(bits, Precision.toFloat16(value) & 0xffff, "half 0x" + Integer.toHexString(bits));
        }
    }

    @Test
    void halfRoundsToNearestEven() {
        float one = 1f;
        float ulp = 0x1p-10f; // half spacing just above 1
        assertEquals(0x3c00, Precision.toFloat16(one + ulp / 2) & 0xffff);            // tie to even (down)
        assertEquals(0x3c02, Precision.toFloat16(one + 3 * ulp / 2) & 0xffff);        // tie to even (up)
        assertEquals(0x3c01, Precision.toFloat16(Math.nextUp(one + ulp / 2)) & 0xffff);
        assertEquals(0x7bff, Precision.toFloat16(65519f) & 0xffff);                   // largest half
        assertEquals(0x7c00, Precision.toFloat16(65520f) & 0xffff);                   // overflows
        assertEquals(0x0001, Precision.toFloat16(0x1p-24f) & 0xffff);                 // smallest subnormal
        assertEquals(0x0000, Precision.toFloat16(0x1p-25f) & 0xffff);                 // tie to even zero
        assertEquals(0x0400, Precision.toFloat16(Math.nextDown(0x1p-14f)) & 0xffff);  // rounds up to normal
        assertEquals(0x8000, Precision.toFloat16(-0f) & 0xffff);
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        for (int high = 0; high < 0x10000; high += 7) {
            if ((high & 0x7f80) == 0x7f80) {
                continue; // infinities and NaN
            }
            float exact = HalfFloats.bfloat16ToFloat((short) high);
            assertEquals(high, Precision.toBfloat16(exact) & 0xffff);
        }
        assertEquals(0x3f80, Precision.toBfloat16(Float.intBitsToFloat(0x3f808000)) & 0xffff); // tie, even down
        assertEquals(0x3f82, Precision.toBfloat16(Float.intBitsToFloat(0x3f818000)) & 0xffff); // tie, even up
        assertEquals(0x3f81, Precision.toBfloat16(Float.intBitsToFloat(0x3f808001)) & 0xffff);
    }

    @Test
    void encodeIsLittleEndian() {
        ByteBuffer half = Precision.FP16.encode(new float[] {1f, -2f});
        assertEquals(4, half.remaining());
        assertEquals(0x3c00, half.order(ByteOrder.LITTLE_ENDIAN).getShort(0) & 0xffff);
        assertEquals(0xc000, half.getShort(2) & 0xffff);
        ByteBuffer single = Precision.FP32.encode(new float[] {1.5f});
        assertEquals(1.5f, single.order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        assertEquals(0x3fc0, Precision.BF16.encode(new float[] {1.5f}).order(ByteOrder.LITTLE_ENDIAN).getShort(0));
    }
}
