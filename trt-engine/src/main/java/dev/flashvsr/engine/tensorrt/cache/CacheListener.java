package dev.flashvsr.engine.tensorrt.cache;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link EngineCache} tells its caller: the CLI prints it, the element posts it on the bus.
 * Every method does nothing unless overridden.
 */
public interface CacheListener {
    CacheListener NONE = new CacheListener() {
    };

    /** The engine was read from {@code file}. */
    default void hit(EngineKey key, Path file) {
    }

    /** No usable engine in {@code file}: it is built now. */
    default void miss(EngineKey key, Path file) {
    }

    /** The builder returned an engine of {@code bytes} after {@code buildTime}. */
    default void built(EngineKey key, Duration buildTime, long bytes) {
    }

    /** Something the user should know and may fix: a damaged file, a folder that cannot be written. */
    default void warning(String message) {
    }

    /** A line of build progress, or of waiting for another process's build. */
    default void progress(String line) {
    }
}
