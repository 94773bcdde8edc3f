package dev.flashvsr.engine;

import java.util.Locale;

/** Where a model runs. {@code AUTO} picks the fastest backend available for the model. */
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
