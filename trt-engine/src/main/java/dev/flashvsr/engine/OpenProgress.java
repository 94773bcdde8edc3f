package dev.flashvsr.engine;

/**
 * Receives the steps of opening a session that take seconds or minutes (a real-size FlashVSR
 * builds or loads gigabytes of graphs and weights), so that users can follow them: the element
 * posts them on the bus, the CLI shows them on its progress line. Called on the opening thread.
 */
@FunctionalInterface
public interface OpenProgress {
    /** Ignores every step. */
    OpenProgress NONE = (step, fraction) -> {
    };

    /**
     * @param step     what is being done now, for people ("building the DiT graph for 128x128")
     * @param fraction the share of the whole open done so far, 0 to 1, or NaN when unknown
     */
    void report(String step, double fraction);

    /**
     * Something users should know about the open that does not stop it (a damaged cache entry
     * rebuilt, a read-only cache folder replaced by a temporary one). Ignored unless overridden.
     */
    default void warning(String message) {
    }
}
