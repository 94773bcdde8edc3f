package dev.flashvsr.engine;

import java.util.Locale;

/**
 * Where a model runs, as users choose it. {@code AUTO} picks the best-ranked backend that can run
 * the model; the others are provided by {@link dev.flashvsr.engine.backend.BackendProvider}s.
 */
public enum Backend {
    AUTO, CPU, TENSORRT;

    public String nick() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Backend fromNick(String nick) {
        for (Backend b : values()) {
            if (b.nick().equals(nick)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + nick + "' (expected auto, cpu or tensorrt)");
    }
}
