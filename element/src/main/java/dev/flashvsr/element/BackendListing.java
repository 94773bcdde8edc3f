package dev.flashvsr.element;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.backend.BackendStatus;
import dev.flashvsr.engine.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The backends present in this build, as the {@code backend} property's description
 * ({@code gst-inspect-1.0 flashvsrfilter}) and {@code flashvsr backends} list them.
 */
public final class BackendListing {

    /**
     * One backend: its {@code backend} property value, what it is, whether it can run here and
     * why not, and the precisions it runs.
     *
     * @param reason why it cannot run here; empty when usable
     */
    public record Entry(String nick, String description, boolean usable, String reason, List<Precision> precisions) {
        public Entry {
            precisions = List.copyOf(precisions);
            if (usable != reason.isEmpty()) {
                throw new IllegalArgumentException("backend '" + nick + "': a reason is given exactly when it is"
                        + " not usable, got usable=" + usable + " and reason '" + reason + "'");
            }
        }

        /** The precisions as nicks, comma-separated. */
        public String precisionNicks() {
            return precisions.stream().map(Precision::nick).collect(Collectors.joining(", "));
        }
    }

    private BackendListing() {
    }

    /**
     * Every backend users can name: the providers found at run time, each with its state, then the
     * backends this build has no provider for, as not usable.
     */
    public static List<Entry> present() {
        List<Entry> entries = new ArrayList<>();
        for (BackendStatus status : Backends.available()) {
            entries.add(new Entry(status.nick(), status.description(), status.usable(), status.reason(),
                    status.capabilities().precisions()));
        }
        for (Backend backend : Backend.values()) {
            boolean listed = entries.stream().anyMatch(e -> e.nick().equals(backend.nick()));
            if (backend != Backend.AUTO && !listed) {
                entries.add(new Entry(backend.nick(), "no provider in this build", false, "not part of this build",
                        List.of()));
            }
        }
        return entries;
    }

    /** The {@code backend} property's description: what it does, then each backend present and its state. */
    public static String blurb(List<Entry> backends) {
        String present = backends.isEmpty() ? "none"
                : backends.stream().map(BackendListing::describe).collect(Collectors.joining("; "));
        return "Where the model runs (auto: the best usable backend for the model); an unusable backend fails at"
                + " start. Present: " + present;
    }

    private static String describe(Entry backend) {
        return backend.nick() + " = " + backend.description()
                + (backend.usable() ? "" : " (not usable: " + backend.reason() + ")");
    }
}
