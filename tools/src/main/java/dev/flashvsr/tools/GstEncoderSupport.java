package dev.flashvsr.tools;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.PadDirection;
import org.freedesktop.gstreamer.State;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.StaticPadTemplate;

/** {@link EncoderSupport} answered by the GStreamer of this process (initialized first). */
final class GstEncoderSupport implements EncoderSupport {

    /** {@code format=(string)I420} or {@code format=(string){ I420, NV12 }} in a caps string. */
    private static final Pattern FORMAT = Pattern.compile("format=\\(string\\)(?:\\{([^}]*)\\}|([A-Za-z0-9_]+))");

    @Override
    public boolean installed(String factory) {
        try {
            return ElementFactory.find(factory) != null;
        } catch (IllegalArgumentException missing) {
            // gst1-java-core's answer for a factory GStreamer does not have.
            return false;
        }
    }

    /**
     * Read from the caps text rather than by intersecting caps: hardware encoders list their formats
     * under a memory feature (NVMM, VAMemory) that plain system-memory caps would not intersect.
     */
    @Override
    public Set<String> inputFormats(String factory) {
        Set<String> formats = new LinkedHashSet<>();
        for (StaticPadTemplate template : ElementFactory.find(factory).getStaticPadTemplates()) {
            if (template.getDirection() == PadDirection.SINK) {
                formats.addAll(formats(template.getCaps().toString()));
            }
        }
        return formats;
    }

    /** The format names a caps string lists. */
    static Set<String> formats(String caps) {
        Set<String> formats = new LinkedHashSet<>();
        Matcher m = FORMAT.matcher(caps);
        while (m.find()) {
            String names = m.group(1) != null ? m.group(1) : m.group(2);
            for (String name : names.split(",")) {
                formats.add(name.replace("(string)", "").strip());
            }
        }
        return formats;
    }

    @Override
    public String startFailure(String factory) {
        Element encoder = ElementFactory.make(factory, null);
        try {
            return encoder.setState(State.READY) == StateChangeReturn.FAILURE
                    ? "it did not start (no usable device or driver)" : null;
        } finally {
            encoder.setState(State.NULL);
            encoder.dispose();
        }
    }
}
