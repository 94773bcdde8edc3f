package dev.flashvsr.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The float to float16/bfloat16 conversions (round to nearest even) against their exact inverses. */
class HalfFloatsTest {

    @Test
    void everyHalfRoundTripsAndTiesGoToEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float v = HalfFloats.float16ToFloat((short) bits);
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(HalfFloats.float16ToFloat(HalfFloats.floatToFloat16(v))));
                continue;
            }
            assertEquals((short) bits, HalfFloats.floatToFloat16(v), "round trip of half " + Integer.toHexString(bits));
            if ((bits & 0x7fff) < 0x7bff) {
                // Halfway to the next half away from zero: ties go to the even mantissa.
                float next = HalfFloats.float16ToFloat((short) (bits + 1));
                float middle = (float) (((double) v + next) / 2);
                short expected = (short) ((bits & 1) == 0 ? bits : bits + 1);
                assertEquals(expected, HalfFloats.floatToFloat16(middle), "tie above " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void halfRoundsToNearestEven() {
        float one = 1f;
        float ulp = 0x1p-10f; // half spacing just above 1
        assertEquals(0x3c00, HalfFloats.floatToFloat16(one + ulp / 2) & 0xffff);            // tie to even (down)
        assertEquals(0x3c02, HalfFloats.floatToFloat16(one + 3 * ulp / 2) & 0xffff);        // tie to even (up)
        assertEquals(0x3c01, HalfFloats.floatToFloat16(Math.nextUp(one + ulp / 2)) & 0xffff);
        assertEquals(0x7bff, HalfFloats.floatToFloat16(65519f) & 0xffff);                   // largest half
        assertEquals(0x7c00, HalfFloats.floatToFloat16(65520f) & 0xffff);                   // overflows
        assertEquals(0x7c00, HalfFloats.floatToFloat16(70000f) & 0xffff);
        assertEquals(0x0001, HalfFloats.floatToFloat16(0x1p-24f) & 0xffff);                 // smallest subnormal
        assertEquals(0x0000, HalfFloats.floatToFloat16(0x1p-25f) & 0xffff);                 // tie to even zero
        assertEquals(0x0000, HalfFloats.floatToFloat16(0x1p-26f) & 0xffff);
        assertEquals(0x0400, HalfFloats.floatToFloat16(Math.nextDown(0x1p-14f)) & 0xffff);  // rounds up to normal
        assertEquals(0x8000, HalfFloats.floatToFloat16(-0f) & 0xffff);
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        for (int high = 0; high < 0x10000; high += 7) {
            if ((high & 0x7f80) == 0x7f80) {
                continue; // infinities and NaN
            }
            float exact = HalfFloats.bfloat16ToFloat((short) high);
            assertEquals(high, HalfFloats.floatToBfloat16(exact) & 0xffff);
        }
        assertEquals(0x3f80, HalfFloats.floatToBfloat16(Float.intBitsToFloat(0x3f808000)) & 0xffff); // tie, even down
        assertEquals(0x3f82, HalfFloats.floatToBfloat16(Float.intBitsToFloat(0x3f818000)) & 0xffff); // tie, even up
        assertEquals(0x3f81, HalfFloats.floatToBfloat16(Float.intBitsToFloat(0x3f808001)) & 0xffff);
        assertEquals(0xbf80, HalfFloats.floatToBfloat16(-1f) & 0xffff);
        assertTrue(Float.isNaN(HalfFloats.bfloat16ToFloat(HalfFloats.floatToBfloat16(Float.NaN))));
    }
}
