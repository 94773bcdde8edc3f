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
    void repostsRisesEagerlyAndFallsLazily() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertFalse(estimator.shouldRepost(50_000_000), "nothing reported yet, nothing to correct");
        estimator.markReported(100_000_000);
        assertFalse(estimator.shouldRepost(104_000_000));
        assertTrue(estimator.shouldRepost(106_000_000), "a rise makes frames late: reported early");
        assertFalse(estimator.shouldRepost(80_000_000), "a small fall only wastes a little latency");
        assertTrue(estimator.shouldRepost(70_000_000));
        estimator.markReported(1_000_000);
        assertFalse(estimator.shouldRepost(1_900_000), "changes under 1 ms are jitter");
    }
}
