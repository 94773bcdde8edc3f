package dev.flashvsr.engine.backend;

import dev.flashvsr.engine.Backend;

/**
 * A backend as listings show it (the CLI's and the element's).
 *
 * @param reason why it cannot run on this machine; empty when {@code usable}
 */
public record BackendStatus(Backend backend, String description, Capabilities capabilities, int rank,
        boolean usable, String reason) {

    static BackendStatus of(BackendProvider provider) {
        String reason = provider.unusableReason().orElse("");
        return new BackendStatus(provider.backend(), provider.description(), provider.capabilities(),
                provider.rank(), reason.isEmpty(), reason);
    }

    /** The value users set ({@code backend=cpu}). */
    public String nick() {
        return backend.nick();
    }
}
