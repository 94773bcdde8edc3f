package dev.flashvsr.engine.tensorrt.cache;

import dev.flashvsr.engine.EngineException;
import java.util.function.Consumer;

/** Builds the serialized engine for a key on a cache miss (the TensorRT provider's builder). */
@FunctionalInterface
public interface EngineBuilder {
    /**
     * @param progress receives lines worth showing while the build runs ("tactic 12 of 80")
     * @return the serialized engine
     */
    byte[] build(Consumer<String> progress) throws EngineException;
}
