package dev.flashvsr.tools;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The video codecs {@code flashvsr upscale --codec} writes: the parser that makes each stream fit
 * its muxer, and the raw formats fed to the encoder at each bit depth, in order of preference.
 */
enum VideoCodec {
    // 4:2:0 keeps H.264, H.265 and AV1 playable everywhere (4:4:4 profiles are not); the second
    // format of each pair is the semi-planar one hardware encoders take.
    H264("h264", "H.264", "h264parse", List.of("I420", "NV12"), List.of("I420_10LE", "P010_10LE"), true),
    H265("h265", "H.265", "h265parse", List.of("I420", "NV12"), List.of("I420_10LE", "P010_10LE"), true),
    AV1("av1", "AV1", "av1parse", List.of("I420", "NV12"), List.of("I420_10LE", "P010_10LE"), true),
    /** ProRes 422 is 10-bit by definition; there is no 8-bit variant. */
    PRORES("prores", "ProRes", null, List.of(), List.of("I422_10LE"), false),
    /** Lossless: nothing to trade for quality. */
    FFV1("ffv1", "FFV1", null, List.of("I420"), List.of("I420_10LE"), false);

    private final String option;
    private final String title;
    private final String parser;
    private final List<String> eightBit;
    private final List<String> tenBit;
    private final boolean hasQuality;

    VideoCodec(String option, String title, String parser, List<String> eightBit, List<String> tenBit,
            boolean hasQuality) {
        this.option = option;
        this.title = title;
        this.parser = parser;
        this.eightBit = eightBit;
        this.tenBit = tenBit;
        this.hasQuality = hasQuality;
    }

    /** The codec named by {@code --codec}, in any case; another value is a usage error naming the valid ones. */
    static VideoCodec parse(String name) {
        for (VideoCodec codec : values()) {
            if (codec.option.equalsIgnoreCase(name.strip())) {
                return codec;
            }
        }
        throw CliException.usage("--codec must be one of " + options() + ", not '" + name + "'");
    }

    /** "h264, h265, av1, prores, ffv1". */
    static String options() {
        return Arrays.stream(values()).map(VideoCodec::option).collect(Collectors.joining(", "));
    }

    /** As {@code --codec} takes it. */
    String option() {
        return option;
    }

    /** As people write it: "H.264". */
    String title() {
        return title;
    }

    /** The parser between encoder and muxer, or null when the encoder's output goes straight in. */
    String parser() {
        return parser;
    }

    /** The bit depth written when {@code --bit-depth} is left out. */
    int defaultBitDepth() {
        return eightBit.isEmpty() ? 10 : 8;
    }

    /** Raw formats that give this bit depth, best first; empty when the codec has no such depth. */
    List<String> formats(int bitDepth) {
        return bitDepth == 10 ? tenBit : eightBit;
    }

    /** Whether {@code --quality} means anything (not for lossless FFV1 or ProRes's fixed profile). */
    boolean hasQuality() {
        return hasQuality;
    }
}
