package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DeclaredLengthTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void framesAreTheDurationAtTheFrameRate() {
        assertEquals(120, new DeclaredLength(4 * SECOND, 30, 1).frames());
        assertEquals(300, new DeclaredLength(10_010_000_000L, 30000, 1001).frames());
        assertEquals(-1, new DeclaredLength(-1, 30, 1).frames(), "unknown duration");
        assertEquals(-1, new DeclaredLength(4 * SECOND, 0, 1).frames(), "variable frame rate");
    }

    @Test
    void warnsWithBothCountsWhenFramesAreMissing() {
        assertEquals("flashvsr: warning: cut.mp4 declares 120 frames (4.00 s at 30/1) but only 29 could be decoded:"
                + " the input is truncated or damaged", new DeclaredLength(4 * SECOND, 30, 1)
                .truncationWarning("cut.mp4", 29));
    }

    @Test
    void aCompleteOrUnknownLengthDoesNotWarn() {
        DeclaredLength length = new DeclaredLength(4 * SECOND, 30, 1);
        assertNull(length.truncationWarning("in.mp4", 120));
        assertNull(length.truncationWarning("in.mp4", 119), "one frame of rounding is allowed");
        assertNull(new DeclaredLength(-1, 30, 1).truncationWarning("in.mp4", 3));
        assertNull(new DeclaredLength(4 * SECOND, 0, 1).truncationWarning("in.mp4", 3));
    }
}
