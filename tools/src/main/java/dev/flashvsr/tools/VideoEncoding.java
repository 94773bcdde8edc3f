package dev.flashvsr.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;

/**
 * How {@code flashvsr upscale} encodes the upscaled video: the chosen encoder, fed its raw format,
 * at a quality on {@link QualityMapping}'s scale; builds the elements between the last
 * videoconvert and the muxer.
 */
record VideoEncoding(EncoderChoice choice, int quality) {

    /**
     * capsfilter (the raw format) ! [upload] ! encoder ! [parser], each made new; link them in this
     * order.
     */
    List<Element> elements() {
        EncoderCatalog.Encoder encoder = choice.encoder();
        List<Element> chain = new ArrayList<>();
        Element format = GstSupport.make("capsfilter", "format");
        format.set("caps", Caps.fromString("video/x-raw,format=" + choice.format()));
        chain.add(format);
        if (encoder.upload() != null) {
            chain.add(make(encoder.upload(), "upload", encoder.install()));
        }
        Element encode = make(encoder.factory(), "encode", encoder.install());
        Map<String, String> settings = QualityMapping.properties(encoder.factory(), quality,
                property -> GstSupport.hasProperty(encode, property));
        settings.forEach((property, value) -> GstSupport.setArg(encode, property, value));
        chain.add(encode);
        String parser = encoder.codec().parser();
        if (parser != null) {
            chain.add(make(parser, "parse", "gstreamer1.0-plugins-bad"));
        }
        return chain;
    }

    /** An element, or a failure naming the package it comes from. */
    private static Element make(String factory, String name, String install) {
        try {
            return GstSupport.make(factory, name);
        } catch (CliException e) {
            throw CliException.failure("GStreamer element '" + factory + "' is not available (it comes with "
                    + install + ")");
        }
    }
}
