package dev.flashvsr.engine.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.bicubic.BicubicModel;
import dev.flashvsr.engine.tiling.TilePlan;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Choosing tiles for a memory budget, with the default model's real estimate and with stand-ins. */
class MemoryPlannerTest {
    private static final StreamSpec FOUR_K_X4 = new StreamSpec(PixelFormat.RGB, 3840, 2160, 4);
    private static Model vsrSmall;

    @BeforeAll
    static void load() throws EngineException {
        vsrSmall = Models.resolve("vsr-small");
    }

    @AfterAll
    static void close() {
        vsrSmall.close();
    }

    @Test
    void aSessionThatFitsIsOpenedAsAsked() throws Exception {
        StreamSpec spec = new StreamSpec(PixelFormat.I420, 320, 180, 4);
        MemoryPlanner.Plan plan = MemoryPlanner.plan(vsrSmall, spec, SessionOptions.DEFAULT,
                () -> MemoryBudget.ofMebibytes(1024));
        assertEquals(MemoryPlanner.Outcome.FITS, plan.outcome());
        assertSame(SessionOptions.DEFAULT, plan.options());
        assertTrue(plan.message().contains("within the memory budget of 1.00 GiB (max-memory=1024)"), plan.message());
    }

    @Test
    void fourKAtScaleFourIsTiledInTheFewestTilesThatFit() throws Exception {
        MemoryBudget budget = MemoryBudget.ofMebibytes(1536);
        MemoryPlanner.Plan plan = MemoryPlanner.plan(vsrSmall, FOUR_K_X4, SessionOptions.DEFAULT, () -> budget);
        System.out.println(plan.message());
        assertEquals(MemoryPlanner.Outcome.TILED_TO_FIT, plan.outcome());
        assertEquals(10, plan.options().tileOverlap(), "the graph's receptive field");
        assertTrue(plan.estimate().orElseThrow().total() <= budget.bytes());
        // the largest candidate that fits gives the grid; no larger candidate fits
        int largest = 3840 / MemoryPlanner.TILE_STEP * MemoryPlanner.TILE_STEP;
        while (estimate(largest) > budget.bytes()) {
            largest -= MemoryPlanner.TILE_STEP;
        }
        TilePlan grid = TilePlan.of(3840, 2160, largest, 10, 4);
        TilePlan chosen = TilePlan.of(3840, 2160, plan.options().tileSize(), 10, 4);
        assertEquals(grid.columns(), chosen.columns());
        assertEquals(grid.rows(), chosen.rows());
        // shrunk as far as that grid allows
        assertTrue(plan.options().tileSize() <= largest);
        TilePlan smaller = TilePlan.of(3840, 2160, plan.options().tileSize() - 1, 10, 4);
        assertTrue(smaller.tileCount() > chosen.tileCount(), "one pixel less needs more tiles");
        assertTrue(plan.untiled().orElseThrow().total() > 15L << 30);
        assertTrue(plan.message().contains("tiling automatically with tile-size " + plan.options().tileSize()
                + ", tile-overlap 10") && plan.message().contains("1.50 GiB (max-memory=1536)"), plan.message());
    }

    @Test
    void shrunkTilesKeepTheirCountAlongEachAxis() {
        for (int length : new int[] {100, 1080, 2160, 3840}) {
            for (int tile = 64; tile < length; tile += 7) {
                int shrunk = MemoryPlanner.smallestKeepingCount(length, tile, 10);
                int count = TilePlan.of(length, 1, tile, 10, 2).columns();
                assertTrue(shrunk <= tile, length + "/" + tile);
                assertEquals(count, TilePlan.of(length, 1, shrunk, 10, 2).columns(), length + "/" + tile);
                if (shrunk > MemoryPlanner.MIN_TILE_SIZE) {
                    assertTrue(TilePlan.of(length, 1, shrunk - 1, 10, 2).columns() > count, length + "/" + tile);
                }
            }
            assertEquals(length, MemoryPlanner.smallestKeepingCount(length, length + 5, 10), "one tile stays one");
        }
    }

    private static long estimate(int tile) {
        return vsrSmall.estimateMemory(FOUR_K_X4, SessionOptions.DEFAULT.withTiles(tile, 10)).orElseThrow().total();
    }

    @Test
    void aBudgetTooSmallForAnyTileFailsNamingTileSizeAndMaxMemory() {
        EngineException e = assertThrows(EngineException.class, () -> MemoryPlanner.plan(vsrSmall, FOUR_K_X4,
                SessionOptions.DEFAULT, () -> MemoryBudget.ofMebibytes(256)));
        String text = e.describe();
        assertTrue(text.contains("3840x2160 at scale 4") && text.contains("tile-size 64")
                && text.contains("256 MiB (max-memory=256)") && text.contains("Raise max-memory"), text);
    }

    @Test
    void theUsersTileSizeOverAnAutomaticBudgetRunsWithAWarning() throws Exception {
        SessionOptions asked = SessionOptions.DEFAULT.withTiles(1024, 10);
        MemoryPlanner.Plan plan = MemoryPlanner.plan(vsrSmall, FOUR_K_X4, asked,
                () -> MemoryBudget.automatic(new MachineMemory(2L << 30, 2L << 30, "test")));
        assertEquals(MemoryPlanner.Outcome.OVER_BUDGET, plan.outcome());
        assertSame(asked, plan.options());
        assertTrue(plan.message().contains("tile-size 1024") && plan.message().contains("running with the tile-size"),
                plan.message());
    }

    @Test
    void theUsersTileSizeOverTheirOwnBudgetIsAnError() {
        EngineException e = assertThrows(EngineException.class, () -> MemoryPlanner.plan(vsrSmall, FOUR_K_X4,
                SessionOptions.DEFAULT.withTiles(1024, 10), () -> MemoryBudget.ofMebibytes(1024)));
        assertTrue(e.getMessage().contains("tile-size 1024") && e.remedy().contains("max-memory"), e.describe());
    }

    @Test
    void aLargerUserOverlapIsKept() throws Exception {
        MemoryPlanner.Plan plan = MemoryPlanner.plan(vsrSmall, FOUR_K_X4, new SessionOptions(Backend.AUTO, 0, 0, 24),
                () -> MemoryBudget.ofMebibytes(2048));
        assertEquals(24, plan.options().tileOverlap());
    }

    @Test
    void modelsWithoutAnEstimateRunAsAskedWithoutReadingTheBudget() throws Exception {
        try (Model bicubic = new BicubicModel()) {
            MemoryPlanner.Plan plan = MemoryPlanner.plan(bicubic, FOUR_K_X4, SessionOptions.DEFAULT, () -> {
                throw new AssertionError("the budget was read");
            });
            assertEquals(MemoryPlanner.Outcome.NO_ESTIMATE, plan.outcome());
            assertSame(SessionOptions.DEFAULT, plan.options());
        }
    }

    @Test
    void aModelWithoutAReceptiveFieldIsNotTiledAutomatically() {
        EngineException e = assertThrows(EngineException.class, () -> MemoryPlanner.plan(
                new FixedCostModel(OptionalInt.empty()), FOUR_K_X4, SessionOptions.DEFAULT,
                () -> MemoryBudget.ofMebibytes(1)));
        assertTrue(e.getMessage().contains("receptive field") && e.remedy().contains("tile-size and tile-overlap"),
                e.describe());
    }

    @Test
    void theSmallestTileIsFourOverlapsWide() {
        // the estimate never fits, so the error names the smallest tile tried
        EngineException e = assertThrows(EngineException.class, () -> MemoryPlanner.plan(
                new FixedCostModel(OptionalInt.of(40)), FOUR_K_X4, SessionOptions.DEFAULT,
                () -> MemoryBudget.ofMebibytes(1)));
        assertTrue(e.getMessage().contains("tile-size 160"), e.getMessage());
    }

    /** Needs 1 GiB whatever the tiles; only the receptive field is configurable. */
    private record FixedCostModel(OptionalInt receptiveField) implements Model {
        @Override
        public String name() {
            return "fixed-cost";
        }

        @Override
        public boolean isNeural() {
            return true;
        }

        @Override
        public Set<Integer> scales() {
            return Set.of(4);
        }

        @Override
        public Backend resolveBackend(Backend requested) {
            return Backend.CPU;
        }

        @Override
        public int latencyFrames() {
            return 0;
        }

        @Override
        public StreamingSession open(StreamSpec spec, SessionOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<MemoryEstimate> estimateMemory(StreamSpec spec, SessionOptions options) {
            return Optional.of(new MemoryEstimate(1L << 30, 0, 0, 0));
        }

        @Override
        public OptionalInt tileOverlap(int scale) {
            return receptiveField;
        }
    }
}
