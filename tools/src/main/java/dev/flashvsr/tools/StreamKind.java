package dev.flashvsr.tools;

import org.freedesktop.gstreamer.Caps;

/** What an input stream carries, from its caps. */
enum StreamKind {
    VIDEO("video"),
    AUDIO("audio"),
    SUBTITLE("subtitle"),
    /** Anything else a demuxer exposes (timed metadata, attachments): never copied. */
    DATA("data");

    private final String word;

    StreamKind(String word) {
        this.word = word;
    }

    String word() {
        return word;
    }

    static StreamKind of(Caps caps) {
        return caps == null || caps.size() == 0 ? DATA : of(caps.getStructure(0).getName());
    }

    static StreamKind of(String mediaType) {
        if (mediaType.startsWith("video/") || mediaType.startsWith("image/")) {
            return VIDEO;
        }
        if (mediaType.startsWith("audio/")) {
            return AUDIO;
        }
        if (mediaType.startsWith("text/") || mediaType.startsWith("subtitle/") || mediaType.startsWith("subpicture/")
                || mediaType.equals("application/x-ssa") || mediaType.equals("application/x-ass")
                || mediaType.equals("application/x-usf") || mediaType.equals("application/x-subtitle-unknown")
                || mediaType.equals("application/ttml+xml")) {
            return SUBTITLE;
        }
        return DATA;
    }
}
