package dev.flashvsr.tools;

import java.util.List;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.PadDirection;
import org.freedesktop.gstreamer.PadPresence;
import org.freedesktop.gstreamer.StaticPadTemplate;

/**
 * What happens to one kept non-video stream in a given muxer: copied as it is (into the muxer's
 * pad template that takes its caps), decoded and re-encoded (audio the container cannot hold), or
 * dropped with a reason.
 *
 * @param template the muxer's request pad template ("audio_%u"), null when dropped
 * @param encoder  the encoder factory for a re-encode, null otherwise
 * @param relabel  caps to give a text stream the muxer takes only under another name, or null
 * @param reason   why the stream is re-encoded or dropped, null when copied
 */
record StreamPlan(Action action, String template, String encoder, String relabel, String reason) {

    enum Action { COPY, ENCODE, DROP }

    /** Audio encoders tried for a re-encode, best first: AAC plays everywhere, then Opus. */
    static final List<String> AUDIO_ENCODERS = List.of("fdkaacenc", "avenc_aac", "voaacenc", "opusenc");

    /**
     * Text subtitles as the Matroska demuxer gives them: the same UTF-8 text, marked up with the
     * few tags SRT files use, which muxers take only as plain UTF-8 text.
     */
    private static final String PLAIN_TEXT = "text/x-raw,format=utf8";

    /**
     * @param encoders the audio encoders to consider, best first; those not installed are skipped
     */
    static StreamPlan decide(Caps caps, StreamKind kind, String muxer, List<String> encoders) {
        ElementFactory mux = ElementFactory.find(muxer);
        String template = templateFor(mux, caps);
        if (template != null) {
            return new StreamPlan(Action.COPY, template, null, null, null);
        }
        String container = OutputContainer.ofMuxer(muxer).title();
        String mediaType = caps.getStructure(0).getName();
        if (kind == StreamKind.SUBTITLE && mediaType.equals("text/x-raw")) {
            String plain = templateFor(mux, Caps.fromString(PLAIN_TEXT));
            if (plain != null) {
                return new StreamPlan(Action.COPY, plain, null, PLAIN_TEXT, null);
            }
        }
        String cannot = container + " cannot hold " + mediaType;
        if (kind != StreamKind.AUDIO) {
            return new StreamPlan(Action.DROP, null, null, null, cannot + " and it cannot be converted");
        }
        for (String name : encoders) {
            ElementFactory encoder = installed(name);
            if (encoder == null) {
                continue;
            }
            String encoded = templateFor(mux, padCaps(encoder, PadDirection.SRC));
            if (encoded != null) {
                return new StreamPlan(Action.ENCODE, encoded, name, null, cannot);
            }
        }
        return new StreamPlan(Action.DROP, null, null, null, cannot + " and none of the audio encoders "
                + String.join(", ", encoders) + " that it can hold is installed (gstreamer1.0-libav has avenc_aac)");
    }

    private static ElementFactory installed(String name) {
        try {
            return ElementFactory.find(name);
        } catch (IllegalArgumentException notInstalled) {
            return null;
        }
    }

    /** The name of the muxer's request sink template whose caps meet these, or null. */
    private static String templateFor(ElementFactory mux, Caps caps) {
        for (StaticPadTemplate t : mux.getStaticPadTemplates()) {
            if (t.getDirection() == PadDirection.SINK && t.getPresence() == PadPresence.REQUEST
                    && !t.getCaps().intersect(caps).isEmpty()) {
                return t.getName();
            }
        }
        return null;
    }

    private static Caps padCaps(ElementFactory factory, PadDirection direction) {
        Caps caps = new Caps();
        for (StaticPadTemplate t : factory.getStaticPadTemplates()) {
            if (t.getDirection() == direction) {
                caps.append(t.getCaps());
            }
        }
        return caps;
    }
}
