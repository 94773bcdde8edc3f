package dev.flashvsr.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a model runs, as users choose it. {@code AUTO} picks the best-ranked backend that can run
 * the model; the others are provided by {@link dev.flashvsr.engine.backend.BackendProvider}s. New
 * values go last: the element's GEnum values are the ordinals.
 */
public enum Backend {
    AUTO, CPU, TENSORRT, CUDA;

    public String nick() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Backend fromNick(String nick) {
        for (Backend b : values()) {
            if (b.nick().equals(nick)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + nick + "' (expected one of "
                + Arrays.stream(values()).map(Backend::nick).collect(Collectors.joining(", ")) + ")");
    }
}
