package dev.flashvsr.tools;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The engine choices that several commands take, parsed one way: {@code --backend} and
 * {@code --precision}. Bad values end the command with a one-line usage error (exit code 2) that
 * names the valid ones.
 */
public final class EngineChoices {

    private EngineChoices() {
    }

    /** The backend a {@code --backend} value names, case-insensitively. */
    public static Backend backend(String value) {
        String nick = value.strip().toLowerCase(Locale.ROOT);
        for (Backend backend : Backend.values()) {
            if (backend.nick().equals(nick)) {
                return backend;
            }
        }
        throw CliException.usage("--backend must be one of " + backendNicks() + ", not '" + value + "'");
    }

    /** The precision a {@code --precision} value names, case-insensitively. */
    public static Precision precision(String value) {
        try {
            return Precision.fromNick(value);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--precision must be one of " + Precision.nicks() + ", not '" + value + "'");
        }
    }

    /** The precisions of a {@code --precision} list (picocli splits it at commas), each at most once. */
    public static List<Precision> precisions(List<String> values) {
        List<Precision> precisions = new ArrayList<>();
        for (String value : values) {
            Precision precision = precision(value);
            if (precisions.contains(precision)) {
                throw CliException.usage("--precision lists " + precision.nick() + " twice");
            }
            precisions.add(precision);
        }
        return precisions;
    }

    private static String backendNicks() {
        return Arrays.stream(Backend.values()).map(Backend::nick).collect(Collectors.joining(", "));
    }
}
