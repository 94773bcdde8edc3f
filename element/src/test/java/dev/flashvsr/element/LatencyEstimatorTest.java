package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyEstimatorTest {
    private static final long MS = 1_000_000;
    /** 25 frames/s: the reported latency falls by at most 10 ms per frame. */
    private static final long FRAME = 40 * MS;
    private static final long STEP = FRAME / 4;

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
        estimator.record(8 * MS);
        for (int i = 0; i < LatencyEstimator.WINDOW - 1; i++) {
            estimator.record(2 * MS);
        }
        assertEquals(10 * MS, estimator.processingNanos(), "one slow frame sets the estimate");
        estimator.record(2 * MS);
        assertEquals(2_500_000, estimator.processingNanos(), "forgotten once it left the window");
        estimator.reset();
        assertEquals(0, estimator.processingNanos());
    }

    @Test
    void theStartUpWaitCoversOnlyTheFramesThatArrivedDuringItUntilCaughtUp() {
        LatencyEstimator estimator = new LatencyEstimator();
        // 90 ms of opening at 25 frames/s, 10 ms per frame: 3 frames catch up 30 ms each, plus the one in flight.
        estimator.recordStartUp(90 * MS, 10 * MS, FRAME);
        assertStartUpCovers(estimator, 125 * MS, 4, 10 * MS);
    }

    @Test
    void theFirstFrameTellsHowLongFramesReallyWaited() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.recordStartUp(90 * MS, 10 * MS, FRAME);
        assertTrue(estimator.awaitsFirstFrame());
        estimator.firstFrameWaited(30 * MS);
        assertFalse(estimator.awaitsFirstFrame());
        // 30 ms waited and one frame's work, for the frame in flight and the one that arrived meanwhile.
        assertStartUpCovers(estimator, 50 * MS, 2, 10 * MS);
    }

    @Test
    void aFirstFrameThatDidNotWaitLeavesOnlyItsWork() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.recordStartUp(90 * MS, 10 * MS, FRAME);
        estimator.firstFrameWaited(-20 * MS);
        assertEquals(12_500_000, estimator.processingNanos(), "stamped after the start-up: it waited nothing");
        estimator.record(2 * MS);
        assertEquals(2_500_000, estimator.processingNanos());
    }

    @Test
    void theWaitMeasuredIsBoundedByTheStartUpAndTakenOnlyFromTheFirstFrame() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.recordStartUp(90 * MS, 10 * MS, FRAME);
        estimator.firstFrameWaited(500 * MS);
        assertEquals(125 * MS, estimator.processingNanos(), "late for other reasons than the start-up");
        estimator.recordStartUp(90 * MS, 10 * MS, FRAME);
        estimator.record(10 * MS);
        estimator.firstFrameWaited(0);
        assertEquals(125 * MS, estimator.processingNanos(), "a later frame's arrival says nothing about the start-up");
    }

    @Test
    void theStartUpWaitCoversTheWholeWindowWhenTheElementCannotCatchUp() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.recordStartUp(90 * MS, 10 * MS, -1);
        assertStartUpCovers(estimator, 125 * MS, LatencyEstimator.WINDOW, MS);
        estimator.recordStartUp(60 * MS, FRAME, FRAME);
        assertStartUpCovers(estimator, 125 * MS, LatencyEstimator.WINDOW, MS);
    }

    /** The estimate is {@code coverNanos} for {@code frames} frames of {@code frameNanos}, then theirs. */
    @Test
    void whileASessionOpensTheTimeItTookSoFarCounts() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.record(2 * MS);
        estimator.openingUntil(5_000 * MS);
        assertEquals(2_500_000, estimator.processingNanos(), "no session opening: nothing changes");
        estimator.openingSince(1_000 * MS);
        estimator.openingUntil(1_400 * MS);
        assertEquals(500 * MS, estimator.processingNanos(), "400 ms so far, plus 25%");
        estimator.openingUntil(61_000 * MS);
        assertEquals(75_000 * MS, estimator.processingNanos(), "a minute so far");
        for (int i = 0; i < LatencyEstimator.WINDOW - 1; i++) {
            estimator.record(2 * MS);
        }
        assertEquals(75_000 * MS, estimator.processingNanos(), "how many frames wait on it is not known yet");
    }

    @Test
    void theOpeningMeasuredAtItsEndReplacesTheTimeSoFar() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.openingSince(0);
        estimator.openingUntil(1_000 * MS);
        estimator.recordStartUp(1_200 * MS, 0, FRAME);
        estimator.openingUntil(9_000 * MS);
        assertEquals(1_500 * MS, estimator.processingNanos(), "the opening took 1.2 s; later calls change nothing");
        estimator.firstFrameWaited(1_100 * MS);
        assertEquals(1_375 * MS, estimator.processingNanos(), "the first frame waited 1.1 s of it");
    }

    @Test
    void aFailedOpeningCoversNothing() {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.openingSince(0);
        estimator.openingUntil(3_000 * MS);
        estimator.openFailed();
        assertEquals(0, estimator.processingNanos());
        estimator.openingUntil(6_000 * MS);
        assertEquals(0, estimator.processingNanos(), "it is no longer opening");
        estimator.openingSince(0);
        estimator.reset();
        estimator.openingUntil(6_000 * MS);
        assertEquals(0, estimator.processingNanos(), "a reset ends an opening too");
    }

    private static void assertStartUpCovers(LatencyEstimator estimator, long coverNanos, int frames, long frameNanos) {
        for (int i = 0; i < frames; i++) {
            assertEquals(coverNanos, estimator.processingNanos(), "frame " + i + " may have waited");
            estimator.record(frameNanos);
        }
        assertEquals(frameNanos * 5 / 4, estimator.processingNanos(), "caught up: only real frames count");
    }

    /** The time of the frames the tests feed: one frame duration apart unless a test says otherwise. */
    private long now = 5_000 * MS;

    /** An estimator that answered a LATENCY query with {@code nanos}. */
    private static LatencyEstimator reported(long nanos) {
        LatencyEstimator estimator = new LatencyEstimator();
        estimator.answer(nanos);
        return estimator;
    }

    private boolean frame(LatencyEstimator estimator, long currentNanos) {
        return after(FRAME, estimator, currentNanos);
    }

    private boolean after(long elapsedNanos, LatencyEstimator estimator, long currentNanos) {
        now += elapsedNanos;
        return estimator.advance(currentNanos, FRAME, now);
    }

    @Test
    void reportsRisesAtOnce() {
        LatencyEstimator estimator = new LatencyEstimator();
        assertFalse(frame(estimator, 50 * MS), "nothing reported yet, nothing to correct");
        assertEquals(100 * MS, estimator.answer(100 * MS));
        assertFalse(frame(estimator, 104 * MS), "a rise under 5% is not posted");
        assertEquals(104 * MS, estimator.answer(104 * MS), "but answered");
        assertTrue(frame(estimator, 110 * MS), "a rise makes frames late: reported early");
        assertEquals(110 * MS, estimator.answer(110 * MS));
        assertEquals(120 * MS, estimator.answer(120 * MS), "a query answers a rise since the last frame at once");
        estimator.reset();
        estimator.answer(MS);
        assertFalse(frame(estimator, 1_900_000), "changes under 1 ms are jitter");
    }

    @Test
    void fallsAQuarterFramePerFrameAndPostsEachStepOfALargeFall() {
        LatencyEstimator estimator = reported(100 * MS);
        assertTrue(frame(estimator, 50 * MS));
        assertEquals(90 * MS, estimator.answer(50 * MS), "one step down");
        assertTrue(frame(estimator, 50 * MS));
        assertEquals(80 * MS, estimator.answer(50 * MS));
        assertTrue(frame(estimator, 75 * MS), "still stepping although under 25% now");
        assertEquals(75 * MS, estimator.answer(75 * MS), "the last step lands on the current latency");
        assertFalse(frame(estimator, 75 * MS), "arrived");
        assertEquals(75 * MS, estimator.answer(75 * MS));
    }

    @Test
    void theFallIsPacedByTimeNotByQueries() {
        LatencyEstimator estimator = reported(100 * MS);
        frame(estimator, 100 * MS);
        for (int query = 0; query < 5; query++) {
            assertEquals(100 * MS, estimator.answer(20 * MS), "no time passed: no step");
        }
        for (int step = 1; step <= 5; step++) {
            assertTrue(frame(estimator, 20 * MS), "step " + step + " is posted");
        }
        assertEquals(50 * MS, estimator.answer(20 * MS), "five frames, five steps, one query");
        for (int step = 0; step < 3; step++) {
            frame(estimator, 20 * MS);
        }
        assertEquals(20 * MS, estimator.answer(20 * MS), "arrived, without a query per step");
    }

    @Test
    void aBacklogProcessedFasterThanRealTimeFallsOnlyAsTimePasses() {
        LatencyEstimator estimator = reported(100 * MS);
        frame(estimator, 100 * MS);
        int posted = 0;
        for (int i = 0; i < 20; i++) {
            posted += after(2 * MS, estimator, 20 * MS) ? 1 : 0;
        }
        assertEquals(90 * MS, estimator.answer(20 * MS), "40 ms passed: a quarter of it, as one frame's step");
        assertEquals(10, posted, "a message per millisecond of fall, not per frame");
    }

    @Test
    void aPauseAllowsOneStepAtMost() {
        LatencyEstimator estimator = reported(100 * MS);
        frame(estimator, 100 * MS);
        assertTrue(after(1000 * MS, estimator, 20 * MS));
        assertEquals(90 * MS, estimator.answer(20 * MS), "the frames behind the pause must stay on time too");
    }

    @Test
    void anUnansweredFallPostsOnlyItsSteps() {
        LatencyEstimator estimator = reported(100 * MS);
        int posted = 0;
        for (int i = 0; i < 100; i++) {
            posted += frame(estimator, 20 * MS) ? 1 : 0;
        }
        assertEquals(8, posted, "one message per step down to 20 ms, none once there");
    }

    @Test
    void smallFallsAreAnsweredInStepsWithoutAMessage() {
        LatencyEstimator estimator = reported(100 * MS);
        assertFalse(frame(estimator, 80 * MS), "a small fall only wastes a little latency");
        assertEquals(90 * MS, estimator.answer(80 * MS), "a query gets the step");
        assertFalse(frame(estimator, 80 * MS));
        assertEquals(80 * MS, estimator.answer(80 * MS));
    }

    @Test
    void aRiseDuringTheStepsWinsAtOnce() {
        LatencyEstimator estimator = reported(100 * MS);
        assertTrue(frame(estimator, 50 * MS));
        assertEquals(90 * MS, estimator.answer(50 * MS));
        assertTrue(frame(estimator, 120 * MS));
        assertEquals(120 * MS, estimator.answer(120 * MS));
    }

    @Test
    void unknownFrameDurationStepsByTenMillisecondsAtMost() {
        LatencyEstimator estimator = reported(100 * MS);
        assertTrue(estimator.advance(20 * MS, -1, now));
        assertEquals(100 * MS - LatencyEstimator.DEFAULT_FALL_STEP_NS, estimator.answer(20 * MS));
    }
}
