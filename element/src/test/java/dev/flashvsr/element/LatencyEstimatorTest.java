package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyEstimatorTest {
    @Test
    void heldFramesTimesDurationPlusProcessingWithHeadroom() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertEquals(100, estimator.latencyNanos(2, 50));
        estimator.record(100);
        assertEquals(225, estimator.latencyNanos(2, 50));
        assertEquals(125, estimator.latencyNanos(2, -1), "unknown frame duration counts as zero");
    }

    @Test
    void coversTheSlowestRecentFrameUntilItLeavesTheWindow() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.record(8_000_000);
        for (int i = 0; i < LatencyEstimator.WINDOW - 1; i++) {
            estimator.record(2_000_000);
        }
        assertEquals(10_000_000, estimator.processingNanos(), "one slow frame sets the estimate");
        estimator.record(2_000_000);
        assertEquals(2_500_000, estimator.processingNanos(), "forgotten once it left the window");
        estimator.reset();
        assertEquals(0, estimator.processingNanos());
    }

    @Test
    void reportsRisesAtOnce() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertFalse(estimator.shouldRepost(50_000_000, STEP), "nothing reported yet, nothing to correct");
        assertEquals(100_000_000, estimator.answer(100_000_000));
        assertFalse(estimator.shouldRepost(104_000_000, STEP));
        assertTrue(estimator.shouldRepost(106_000_000, STEP), "a rise makes frames late: reported early");
        assertEquals(106_000_000, estimator.answer(106_000_000));
        estimator.answer(1_000_000);
        assertFalse(estimator.shouldRepost(1_900_000, STEP), "changes under 1 ms are jitter");
    }

    @Test
    void reportsLargeFallsInStepsOfAtMostTheGivenSize() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.answer(100_000_000);
        assertFalse(estimator.shouldRepost(80_000_000, STEP), "a small fall only wastes a little latency");
        assertTrue(estimator.shouldRepost(50_000_000, STEP));
        assertEquals(90_000_000, estimator.answer(50_000_000), "one step down");
        assertTrue(estimator.shouldRepost(50_000_000, STEP));
        assertEquals(80_000_000, estimator.answer(50_000_000));
        assertTrue(estimator.shouldRepost(75_000_000, STEP), "still stepping although under 25% now");
        assertEquals(75_000_000, estimator.answer(75_000_000), "the last step lands on the current latency");
        assertFalse(estimator.shouldRepost(75_000_000, STEP), "arrived");
        assertEquals(75_000_000, estimator.answer(75_000_000));
    }

    @Test
    void aRiseDuringTheStepsWinsAtOnce() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.answer(100_000_000);
        assertTrue(estimator.shouldRepost(50_000_000, STEP));
        assertEquals(90_000_000, estimator.answer(50_000_000));
        assertTrue(estimator.shouldRepost(120_000_000, STEP));
        assertEquals(120_000_000, estimator.answer(120_000_000));
    }

    private static final long STEP = 10_000_000;
}
