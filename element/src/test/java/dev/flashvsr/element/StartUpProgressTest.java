package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartUpProgressTest {
    private static final long S = 1_000_000_000L;

    private final List<StartUpProgress.Update> announced = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long now = 100 * S;
    private final StartUpProgress progress = new StartUpProgress("flashvsr-v1.1", 32, 32, () -> now,
            announced::add, warnings::add);

    @Test
    void warningsPassAtOnceAndAreNotSteps() {
        progress.warning("the cached FlashVSR graphs ... has a damaged weights.bin; building them again");
        assertEquals(List.of("the cached FlashVSR graphs ... has a damaged weights.bin; building them again"),
                warnings);
        assertTrue(announced.isEmpty());
    }

    @Test
    void everyNewStepIsAnnouncedWithTheTimeSinceTheOpeningBegan() {
        now += S / 2;
        progress.report("loading the weights", Double.NaN);
        now += 2 * S;
        progress.report("building the DiT graph for 128x128", 0.4);
        assertEquals(2, announced.size());
        StartUpProgress.Update first = announced.get(0);
        assertEquals("loading the weights", first.step());
        assertEquals(-1, first.fraction(), "unknown");
        assertEquals(500, first.elapsedMillis());
        assertFalse(first.done());
        assertEquals(0.4, announced.get(1).fraction());
        assertEquals(2500, announced.get(1).elapsedMillis());
    }

    @Test
    void withinAStepANewFractionIsAnnouncedAtMostEveryFewSeconds() {
        progress.report("building", 0.1);
        now += StartUpProgress.FRACTION_INTERVAL_NANOS - 1;
        progress.report("building", 0.2);
        assertEquals(1, announced.size(), "too soon");
        now += 1;
        progress.report("building", 0.2);
        assertEquals(2, announced.size());
        assertEquals(0.2, announced.get(1).fraction());
        now += 10 * S;
        progress.report("building", 0.2);
        assertEquals(2, announced.size(), "the same fraction again says nothing new");
        progress.report("writing the cache", 0.9);
        assertEquals(3, announced.size(), "a new step is announced at once");
    }

    @Test
    void fractionsOutsideZeroToOneAreClamped() {
        progress.report("a", 1.7);
        progress.report("b", -0.5);
        assertEquals(1.0, announced.get(0).fraction());
        assertEquals(0.0, announced.get(1).fraction());
    }

    @Test
    void theEndIsAnnouncedOnlyAfterSteps() {
        progress.finish();
        assertEquals(List.of(), announced, "a model that reported nothing stays silent");
        progress.report("loading", Double.NaN);
        now += 63 * S;
        progress.finish();
        StartUpProgress.Update end = announced.get(1);
        assertTrue(end.done());
        assertEquals(StartUpProgress.OPEN_STEP, end.step());
        assertEquals(1.0, end.fraction());
        assertEquals(63_000, end.elapsedMillis());
    }

    @Test
    void textsNameTheModelTheInputTheStepAndTheTime() {
        now += 12_300_000_000L;
        progress.report("building the DiT graph for 128x128", 0.4);
        progress.report("loading the weights", Double.NaN);
        now += 50 * S;
        progress.finish();
        assertEquals("starting model 'flashvsr-v1.1' for 32x32 input: building the DiT graph for 128x128"
                + " (40%, 12.3 s so far)", announced.get(0).text());
        assertEquals("starting model 'flashvsr-v1.1' for 32x32 input: loading the weights (12.3 s so far)",
                announced.get(1).text());
        assertEquals("model 'flashvsr-v1.1' ready for 32x32 input after 62.3 s", announced.get(2).text());
    }
}
