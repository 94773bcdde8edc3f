package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyEstimatorTest {
    @Test
    void heldFramesTimesDurationPlusProcessing() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertEquals(100, estimator.latencyNanos(2, 50));
        estimator.record(10);
        assertEquals(110, estimator.latencyNanos(2, 50));
        assertEquals(10, estimator.latencyNanos(2, -1), "unknown frame duration counts as zero");
    }

    @Test
    void repostsOnlyOnLargeChanges() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertFalse(estimator.shouldRepost(50_000_000), "nothing reported yet, nothing to correct");
        estimator.markReported(100_000_000);
        assertFalse(estimator.shouldRepost(110_000_000));
        assertTrue(estimator.shouldRepost(140_000_000));
        assertTrue(estimator.shouldRepost(60_000_000));
        estimator.markReported(1_000_000);
        assertFalse(estimator.shouldRepost(2_500_000), "changes under 2 ms are jitter");
    }

    @Test
    void averageFollowsMeasurements() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.record(1000);
        for (int i = 0; i < 100; i++) {
            estimator.record(2000);
        }
        assertTrue(Math.abs(estimator.processingNanos() - 2000) < 10);
    }
}
