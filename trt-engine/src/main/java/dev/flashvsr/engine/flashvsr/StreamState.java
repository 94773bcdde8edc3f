package dev.flashvsr.engine.flashvsr;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The streaming state of one FlashVSR stream: graph-input name to its current value. */
final class StreamState {

    /** A float tensor value. */
    record Value(float[] values, long[] shape) {
    }

    private final Map<String, Value> values = new HashMap<>();

    Value get(String input) {
        return values.get(input);
    }

    void put(String input, Value value) {
        values.put(input, value);
    }

    /** Every value whose name starts with {@code prefix}. */
    void forEachStartingWith(String prefix, Consumer<Value> action) {
        values.forEach((name, value) -> {
            if (name.startsWith(prefix)) {
                action.accept(value);
            }
        });
    }

    void clear() {
        values.clear();
    }
}
