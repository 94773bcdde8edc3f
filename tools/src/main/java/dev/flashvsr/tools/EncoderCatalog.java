package dev.flashvsr.tools;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The GStreamer encoders {@code flashvsr upscale} knows, per codec in the order it tries them:
 * hardware first (NVIDIA desktop, NVIDIA Jetson, VA-API, the older gstreamer-vaapi), then software.
 */
final class EncoderCatalog {

    /**
     * @param factory  the GStreamer element name
     * @param hardware whether it runs on a GPU or media engine (and may be present but unusable)
     * @param install  what provides it on Debian/Ubuntu (or Jetson), for "missing encoder" messages
     * @param upload   an element that moves frames into the memory the encoder reads, or null
     */
    record Encoder(String factory, VideoCodec codec, boolean hardware, String install, String upload) {
        String kind() {
            return hardware ? "hardware" : "software";
        }
    }

    private static final String NVIDIA = "gstreamer1.0-plugins-bad, registered only where the NVIDIA driver works";
    private static final String JETSON = "NVIDIA JetPack's nvidia-l4t-gstreamer";
    private static final String VA = "gstreamer1.0-plugins-bad, with a VA-API driver such as intel-media-va-driver";
    private static final String VAAPI = "gstreamer1.0-vaapi";
    private static final String BAD = "gstreamer1.0-plugins-bad";
    private static final String LIBAV = "gstreamer1.0-libav";
    /** Jetson's encoders read NVMM memory only; nvvidconv copies system-memory frames into it. */
    private static final String NVMM_UPLOAD = "nvvidconv";

    private static final List<Encoder> ALL = List.of(
            hardware("nvh264enc", VideoCodec.H264, NVIDIA),
            new Encoder("nvv4l2h264enc", VideoCodec.H264, true, JETSON, NVMM_UPLOAD),
            hardware("vah264enc", VideoCodec.H264, VA),
            hardware("vaapih264enc", VideoCodec.H264, VAAPI),
            software("x264enc", VideoCodec.H264, "gstreamer1.0-plugins-ugly"),
            software("openh264enc", VideoCodec.H264, BAD),
            hardware("nvh265enc", VideoCodec.H265, NVIDIA),
            new Encoder("nvv4l2h265enc", VideoCodec.H265, true, JETSON, NVMM_UPLOAD),
            hardware("vah265enc", VideoCodec.H265, VA),
            hardware("vaapih265enc", VideoCodec.H265, VAAPI),
            software("x265enc", VideoCodec.H265, BAD),
            hardware("nvav1enc", VideoCodec.AV1, NVIDIA),
            hardware("vaav1enc", VideoCodec.AV1, VA),
            software("svtav1enc", VideoCodec.AV1, BAD + " built with SVT-AV1 (Debian 13, Ubuntu 24.04)"),
            software("av1enc", VideoCodec.AV1, BAD),
            software("rav1enc", VideoCodec.AV1, "gst-plugins-rs (rav1e)"),
            software("avenc_prores_ks", VideoCodec.PRORES, LIBAV),
            software("avenc_prores", VideoCodec.PRORES, LIBAV),
            software("avenc_ffv1", VideoCodec.FFV1, LIBAV));

    private EncoderCatalog() {
    }

    private static Encoder hardware(String factory, VideoCodec codec, String install) {
        return new Encoder(factory, codec, true, install, null);
    }

    private static Encoder software(String factory, VideoCodec codec, String install) {
        return new Encoder(factory, codec, false, install, null);
    }

    /** Every encoder known, codec by codec, each codec's in the order they are tried. */
    static List<Encoder> all() {
        return ALL;
    }

    /** The encoders of one codec in the order they are tried. */
    static List<Encoder> forCodec(VideoCodec codec) {
        return ALL.stream().filter(e -> e.codec() == codec).toList();
    }

    /** The encoder of that element name; a usage error naming the known ones when there is none. */
    static Encoder named(String factory) {
        return ALL.stream().filter(e -> e.factory().equals(factory.strip())).findFirst()
                .orElseThrow(() -> CliException.usage("--encoder '" + factory + "' is not an encoder flashvsr"
                        + " knows; it knows " + ALL.stream().map(e -> e.factory() + " (" + e.codec().option() + ")")
                        .collect(Collectors.joining(", "))));
    }
}
