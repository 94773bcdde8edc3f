package dev.flashvsr.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The arithmetic a model runs in, as users choose it ({@code precision} property, {@code --precision}).
 * {@code AUTO} is the best precision the backend runs well among those the model has; the others
 * select one variant and fail the start when the model or the backend lacks it.
 */
public enum Precision {
    AUTO, FP32, FP16, BF16, INT8;

    public String nick() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for every value but {@code AUTO}. */
    public boolean isConcrete() {
        return this != AUTO;
    }

    /** The precision with this nick, case-insensitively. */
    public static Precision fromNick(String nick) {
        for (Precision p : values()) {
            if (p.nick().equalsIgnoreCase(nick.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + nick + "' (expected one of " + nicks() + ")");
    }

    /** Every nick, comma-separated, for messages and help texts. */
    public static String nicks() {
        return Arrays.stream(values()).map(Precision::nick).collect(Collectors.joining(", "));
    }
}
