package dev.flashvsr.engine.memory;

import dev.flashvsr.engine.MemoryEstimate;

/**
 * The working memory one session may take (the element's {@code max-memory}).
 *
 * @param bytes     the budget
 * @param automatic true when derived from the machine, false when the user set it
 * @param origin    how it was set, for messages
 */
public record MemoryBudget(long bytes, boolean automatic, String origin) {
    /** The property that sets the budget, as messages name it. */
    public static final String PROPERTY = "max-memory";

    public MemoryBudget {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive, got " + bytes);
        }
    }

    /** A budget the user set, in MiB. */
    public static MemoryBudget ofMebibytes(long mebibytes) {
        if (mebibytes <= 0 || mebibytes > Long.MAX_VALUE >> 20) {
            throw new IllegalArgumentException(PROPERTY + " must be 1 to " + (Long.MAX_VALUE >> 20) + " MiB, got "
                    + mebibytes);
        }
        return new MemoryBudget(mebibytes << 20, false, PROPERTY + "=" + mebibytes);
    }

    /**
     * A quarter of the memory the process may use (physical or its cgroup limit), and at most half
     * of what is available now. A quarter, like the JVM's own default heap: the estimate covers the
     * session alone, while the pipeline's frames, decoders and encoders, the JVM and other
     * processes need the rest, and tiles cost little speed (vsr-small runs 400-pixel tiles about as
     * fast as whole frames). Half of the available memory, so that one stream does not push a busy
     * machine into swap or the OOM killer.
     */
    public static MemoryBudget automatic(MachineMemory machine) {
        long quarter = machine.totalBytes() / 4;
        long halfOfAvailable = machine.availableBytes() / 2;
        long bytes = Math.max(1, Math.min(quarter, halfOfAvailable));
        String rule = quarter <= halfOfAvailable
                ? "a quarter of " + MemoryEstimate.format(machine.totalBytes()) + " total"
                : "half of " + MemoryEstimate.format(machine.availableBytes()) + " available";
        return new MemoryBudget(bytes, true, PROPERTY + "=0, automatic: " + rule + ", from " + machine.source());
    }

    /** The budget for a {@code max-memory} value in MiB, 0 meaning automatic (reads the machine then). */
    public static MemoryBudget forSetting(long mebibytes) {
        return mebibytes == 0 ? automatic(MachineMemory.read()) : ofMebibytes(mebibytes);
    }

    @Override
    public String toString() {
        return MemoryEstimate.format(bytes) + " (" + origin + ")";
    }
}
