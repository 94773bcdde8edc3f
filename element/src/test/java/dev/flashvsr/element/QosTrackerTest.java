package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QosTrackerTest {
    private static final long FRAME = 40_000_000;

    @Test
    void nothingIsLateBeforeDownstreamReports() {
        QosTracker qos = new QosTracker();
        assertFalse(qos.isLate(0));
        assertFalse(qos.isLate(Long.MAX_VALUE));
    }

    @Test
    void lateFrameSkipsTwiceTheJitterPlusAFrame() {
        QosTracker qos = new QosTracker();
        qos.observe(1.5, 10_000_000, 1_000_000_000, FRAME);
        long earliest = 1_000_000_000 + 20_000_000 + FRAME;
        assertTrue(qos.isLate(earliest));
        assertFalse(qos.isLate(earliest + 1));
        assertEquals(5_000_000, qos.lateness(earliest - 5_000_000));
        assertEquals(1.5, qos.proportion());
    }

    @Test
    void earlyFramesOnlySkipWhatIsAlreadyPast() {
        QosTracker qos = new QosTracker();
        qos.observe(0.8, -15_000_000, 1_000_000_000, FRAME);
        assertTrue(qos.isLate(985_000_000));
        assertFalse(qos.isLate(985_000_001));
        assertFalse(qos.isLate(-1), "frames without a running time are never skipped");
    }

    @Test
    void resetForgetsLatenessRestartAlsoTheCount() {
        QosTracker qos = new QosTracker();
        qos.observe(2.0, 5_000_000, 100_000_000, FRAME);
        assertEquals(1, qos.recordDrop());
        qos.reset();
        assertFalse(qos.isLate(0));
        assertEquals(1, qos.dropped());
        qos.restart();
        assertEquals(0, qos.dropped());
    }
}
