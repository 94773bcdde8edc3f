package dev.flashvsr.tools;

import dev.flashvsr.tools.EncoderCatalog.Encoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Picks the encoder of {@code flashvsr upscale}: the first of the codec's encoders (hardware first,
 * see {@link EncoderCatalog}) that is installed, takes a raw format of the bit depth asked for and
 * starts; or the one {@code --encoder} names, which must do all three. Failures are usage errors
 * (nothing is written yet) that list what is there and what to install.
 *
 * @param encoder the encoder chosen
 * @param format  the raw format it is fed, e.g. I420 or P010_10LE
 * @param reason  why this one, for the line that names it
 */
record EncoderChoice(Encoder encoder, String format, String reason) {

    /** "encoder x264enc (software; ...)". */
    String describe() {
        return "encoder " + encoder.factory() + " (" + reason + ")";
    }

    /**
     * @param forced   the element {@code --encoder} names, or null to choose
     * @param bitDepth 8 or 10
     */
    static EncoderChoice choose(VideoCodec codec, String forced, int bitDepth, EncoderSupport gst) {
        if (codec.formats(bitDepth).isEmpty()) {
            throw CliException.usage(codec.title() + " has no " + bitDepth + "-bit variant; leave --bit-depth out or"
                    + " give " + codec.defaultBitDepth());
        }
        return forced != null ? forced(codec, EncoderCatalog.named(forced), bitDepth, gst)
                : firstUsable(codec, bitDepth, gst);
    }

    private static EncoderChoice forced(VideoCodec codec, Encoder encoder, int bitDepth, EncoderSupport gst) {
        if (encoder.codec() != codec) {
            throw CliException.usage("--encoder " + encoder.factory() + " makes " + encoder.codec().title()
                    + ", not " + codec.title() + "; give --codec " + encoder.codec().option()
                    + " or leave --codec out");
        }
        if (!gst.installed(encoder.factory())) {
            throw CliException.usage("encoder " + encoder.factory() + " is not installed (it comes with "
                    + encoder.install() + "); " + installedOf(codec, gst));
        }
        String format = format(encoder, codec, bitDepth, gst);
        if (format == null) {
            throw CliException.usage("encoder " + encoder.factory() + " cannot write " + bitDepth + "-bit video"
                    + ableHint(bitDepth, gst));
        }
        String failure = gst.startFailure(encoder.factory());
        if (failure != null) {
            throw CliException.usage("encoder " + encoder.factory() + ": " + failure + "; leave --encoder out to use"
                    + " the first " + codec.title() + " encoder that works");
        }
        return new EncoderChoice(encoder, format, "--encoder");
    }

    private static EncoderChoice firstUsable(VideoCodec codec, int bitDepth, EncoderSupport gst) {
        List<String> missing = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (Encoder encoder : EncoderCatalog.forCodec(codec)) {
            if (!gst.installed(encoder.factory())) {
                missing.add(encoder.factory());
                continue;
            }
            String format = format(encoder, codec, bitDepth, gst);
            String failure = format == null ? "takes no " + bitDepth + "-bit input"
                    : gst.startFailure(encoder.factory());
            if (failure != null) {
                unusable.add(encoder.factory() + ": " + failure);
                continue;
            }
            return new EncoderChoice(encoder, format, reason(encoder, missing, unusable));
        }
        if (unusable.isEmpty()) {
            throw CliException.usage("no " + codec.title() + " encoder is installed (none of " + String.join(", ",
                    missing) + "); install " + EncoderCatalog.forCodec(codec).stream().filter(e -> !e.hardware())
                    .map(e -> e.install() + " (" + e.factory() + ")").distinct().collect(Collectors.joining(" or "))
                    + ", or choose another --codec");
        }
        throw CliException.usage("no installed " + codec.title() + " encoder is usable for " + bitDepth + "-bit video ("
                + String.join("; ", unusable) + ")" + ableHint(bitDepth, gst));
    }

    /** The first of the codec's formats at this depth that the encoder takes, or null. */
    private static String format(Encoder encoder, VideoCodec codec, int bitDepth, EncoderSupport gst) {
        Set<String> takes = gst.inputFormats(encoder.factory());
        return codec.formats(bitDepth).stream().filter(takes::contains).findFirst().orElse(null);
    }

    /** "software; no usable hardware H.264 encoder: nvh264enc, vah264enc not installed" and the like. */
    private static String reason(Encoder chosen, List<String> missing, List<String> unusable) {
        List<String> skipped = new ArrayList<>();
        if (!missing.isEmpty()) {
            skipped.add(String.join(", ", missing) + " not installed");
        }
        skipped.addAll(unusable);
        if (skipped.isEmpty()) {
            return chosen.kind();
        }
        boolean hardwareSkipped = !chosen.hardware()
                && EncoderCatalog.forCodec(chosen.codec()).stream().anyMatch(Encoder::hardware);
        return chosen.kind() + "; " + (hardwareSkipped ? "no usable hardware " + chosen.codec().title() + " encoder: "
                : "") + String.join("; ", skipped);
    }

    /** "installed H.264 encoders: x264enc, openh264enc" (or that there are none). */
    private static String installedOf(VideoCodec codec, EncoderSupport gst) {
        List<String> installed = EncoderCatalog.forCodec(codec).stream().map(Encoder::factory)
                .filter(gst::installed).toList();
        return installed.isEmpty() ? "no " + codec.title() + " encoder is installed"
                : "installed " + codec.title() + " encoders: " + String.join(", ", installed);
    }

    /** "; encoders here that write 10-bit video: x265enc (--codec h265), ...". */
    private static String ableHint(int bitDepth, EncoderSupport gst) {
        List<String> able = EncoderCatalog.all().stream().filter(e -> gst.installed(e.factory())
                && format(e, e.codec(), bitDepth, gst) != null)
                .map(e -> e.factory() + " (--codec " + e.codec().option() + ")").toList();
        return able.isEmpty() ? "; no installed encoder writes " + bitDepth + "-bit video"
                : "; encoders here that write " + bitDepth + "-bit video: " + String.join(", ", able);
    }
}
