package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.function.Consumer;

/** Builds the serialized engine for a key on a cache miss (the TensorRT provider's builder). */
@FunctionalInterface
public interface EngineBuilder {
    /**
     * Writes the serialized engine to {@code plan}, the engine file being written (a plan may
     * exceed 2 GiB, so it goes to the file as it is produced, never through one array).
     *
     * @param progress receives lines worth showing while the build runs ("tactic 12 of 80")
     * @throws IOException writing to {@code plan} failed
     */
    void build(WritableByteChannel plan, Consumer<String> progress) throws EngineException, IOException;
}
