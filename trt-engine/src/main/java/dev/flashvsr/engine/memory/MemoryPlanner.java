package dev.flashvsr.engine.memory;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Fits a session into a memory budget before it is opened. A model that estimates its memory
 * ({@link Model#estimateMemory}) and would exceed the budget untiled is tiled automatically: the
 * largest square tile (a multiple of {@value #TILE_STEP} input pixels, at least
 * {@value #MIN_TILE_SIZE} and four overlaps) whose estimate fits, with the model's receptive field
 * as overlap (or the user's {@code tile-overlap} if larger), then shrunk to the smallest size that
 * keeps its number of tiles, so the tiles overlap no more than they must (less work and memory).
 * When even the smallest tile does not fit, opening fails. A {@code tile-size} the user set is
 * kept: over an automatic budget it is a warning, over a budget the user set too it is an error, since the two settings contradict each
 * other. Models without an estimate run as asked.
 */
public final class MemoryPlanner {
    /** Smaller tiles spend most of their time on overlap and per-run overhead. */
    public static final int MIN_TILE_SIZE = 64;
    /** Automatic tile sizes are multiples of this. */
    public static final int TILE_STEP = 16;

    /** What the planner decided. */
    public enum Outcome {
        /** The model gives no estimate: no budget applies. */
        NO_ESTIMATE,
        /** The session as asked fits the budget. */
        FITS,
        /** Tiled automatically to fit. */
        TILED_TO_FIT,
        /** The user's tile-size exceeds the automatic budget; it runs as asked. */
        OVER_BUDGET
    }

    /**
     * @param options  the options to open the session with (tiles chosen when {@code outcome} is
     *                 {@link Outcome#TILED_TO_FIT})
     * @param estimate the memory estimate for {@code options}, if the model gives one
     * @param untiled  the estimate for the options as asked, when the planner chose tiles
     * @param message  what was decided, with the numbers, for logs and bus messages
     */
    public record Plan(Outcome outcome, SessionOptions options, Optional<MemoryEstimate> estimate,
            Optional<MemoryEstimate> untiled, String message) {
    }

    private MemoryPlanner() {
    }

    /**
     * @param budgets gives the budget; asked only when the model estimates its memory, so models
     *                without an estimate cost nothing (the automatic budget reads the machine)
     */
    public static Plan plan(Model model, StreamSpec spec, SessionOptions options, Supplier<MemoryBudget> budgets)
            throws EngineException {
        Optional<MemoryEstimate> asked = model.estimateMemory(spec, options);
        String stream = describe(model, spec);
        if (asked.isEmpty()) {
            return new Plan(Outcome.NO_ESTIMATE, options, asked, Optional.empty(),
                    stream + ": the model gives no memory estimate, so " + MemoryBudget.PROPERTY + " does not apply");
        }
        MemoryBudget budget = budgets.get();
        long needed = asked.get().total();
        String askedTiles = options.tileSize() == 0 ? "untiled"
                : "with tile-size " + options.tileSize() + ", tile-overlap " + options.tileOverlap();
        if (needed <= budget.bytes()) {
            return new Plan(Outcome.FITS, options, asked, Optional.empty(), stream + " " + askedTiles
                    + ": estimated " + asked.get().describe() + ", within the memory budget of " + budget);
        }
        if (options.tileSize() > 0) {
            String over = stream + " " + askedTiles + " needs about " + asked.get().describe()
                    + ", more than the memory budget of " + budget;
            if (!budget.automatic()) {
                throw new EngineException(over, "Lower tile-size, set tile-size to 0 to let the element choose tiles"
                        + " that fit, or raise " + MemoryBudget.PROPERTY + " (MiB) to at least " + mebibytes(needed));
            }
            return new Plan(Outcome.OVER_BUDGET, options, asked, Optional.empty(),
                    over + "; running with the tile-size as set. Set a smaller tile-size (or 0 for automatic tiles),"
                            + " or " + MemoryBudget.PROPERTY + " to accept it");
        }
        OptionalInt receptiveField = model.tileOverlap(spec.scale());
        if (receptiveField.isEmpty()) {
            throw new EngineException(stream + " needs about " + asked.get().describe()
                    + " untiled, more than the memory budget of " + budget + ", and the model does not give its"
                    + " receptive field, so it cannot be tiled automatically without seams",
                    "Set tile-size and tile-overlap yourself, or raise " + MemoryBudget.PROPERTY + " (MiB) to at least "
                            + mebibytes(needed));
        }
        int overlap = Math.max(receptiveField.getAsInt(), options.tileOverlap());
        int smallest = Math.max(MIN_TILE_SIZE, 4 * overlap);
        Optional<MemoryEstimate> smallestEstimate = Optional.empty();
        for (int tile = (Math.max(spec.width(), spec.height()) - 1) / TILE_STEP * TILE_STEP; tile >= smallest;
                tile -= TILE_STEP) {
            Optional<MemoryEstimate> estimate = model.estimateMemory(spec, options.withTiles(tile, overlap));
            if (estimate.isPresent() && estimate.get().total() <= budget.bytes()) {
                int shrunk = Math.max(smallestKeepingCount(spec.width(), tile, overlap),
                        smallestKeepingCount(spec.height(), tile, overlap));
                SessionOptions tiled = options.withTiles(shrunk, overlap);
                estimate = model.estimateMemory(spec, tiled);
                return new Plan(Outcome.TILED_TO_FIT, tiled, estimate, asked, stream + " needs about "
                        + MemoryEstimate.format(needed) + " untiled, more than the memory budget of " + budget
                        + ": tiling automatically with tile-size " + shrunk + ", tile-overlap " + overlap
                        + ", estimated " + estimate.get().describe());
            }
            smallestEstimate = estimate;
        }
        String smallestText = smallestEstimate.map(e -> " and about " + e.describe() + " even with tile-size "
                + smallest + " (the smallest automatic tile), tile-overlap " + overlap).orElse("");
        long least = smallestEstimate.map(MemoryEstimate::total).orElse(needed);
        throw new EngineException(stream + " needs about " + MemoryEstimate.format(needed) + " untiled" + smallestText
                + ", more than the memory budget of " + budget, "Raise " + MemoryBudget.PROPERTY
                + " (MiB, 0 = automatic) to at least " + mebibytes(least)
                + ", or feed smaller frames or use a lower scale");
    }

    /**
     * The smallest tile that covers {@code length} pixels with as many tiles as {@code tile} does
     * (see TilePlan: tiles start every {@code tile - overlap} pixels, the last one shifted inward),
     * and at least the smallest automatic tile.
     */
    static int smallestKeepingCount(int length, int tile, int overlap) {
        if (length <= tile) {
            return length; // one tile along this axis: keep it one
        }
        int count = (length - tile + (tile - overlap) - 1) / (tile - overlap) + 1;
        int covering = (length + (count - 1) * overlap + count - 1) / count;
        return Math.max(covering, Math.max(MIN_TILE_SIZE, 4 * overlap));
    }

    private static String describe(Model model, StreamSpec spec) {
        return spec.width() + "x" + spec.height() + " at scale " + spec.scale() + " with model '" + model.name() + "'";
    }

    /** Whole MiB, rounded up. */
    private static long mebibytes(long bytes) {
        return (bytes + (1L << 20) - 1) >> 20;
    }
}
