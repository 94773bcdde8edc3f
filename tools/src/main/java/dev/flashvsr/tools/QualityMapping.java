package dev.flashvsr.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code --quality Q} on one codec-neutral scale, 0-51 with lower better (like x264's CRF), set as
 * each encoder's constant-quality control. Scales of 0-63 (AV1 quantizers) and 0-255 (AV1 qindex)
 * are stretched linearly, so Q means about the same share of the range everywhere. Also the fixed
 * setting of the one encoder without quality (avenc_prores_ks's profile).
 */
final class QualityMapping {
    /** The highest Q: H.264's and H.265's largest quantizer. */
    static final int MAX = 51;
    /** x264 CRF 18, the look of {@code upscale} before the other codecs came. */
    static final int DEFAULT = 18;

    private QualityMapping() {
    }

    /**
     * The properties to set on the encoder, in order.
     *
     * @param hasProperty whether the encoder element has a property: NVIDIA's encoders changed their
     *                    rate-control properties between GStreamer releases
     */
    static Map<String, String> properties(String factory, int quality, Predicate<String> hasProperty) {
        Map<String, String> p = new LinkedHashMap<>();
        String q = Integer.toString(quality);
        switch (factory) {
            // pass=qual is x264's CRF, whose scale stops at 50.
            case "x264enc" -> put(p, "pass", "qual", "quantizer", Integer.toString(Math.min(quality, 50)));
            // Quality mode with the quantizer range closed to one value: constant QP.
            case "openh264enc" -> put(p, "rate-control", "quality", "qp-min", q, "qp-max", q);
            case "x265enc" -> p.put("option-string", "crf=" + q);
            case "svtav1enc" -> p.put("crf", scaled(quality, 63));
            // libaom's quantizer range closed to one value in constant-quality mode (1.22 has no cq-level).
            case "av1enc" -> put(p, "end-usage", "q", "min-quantizer", scaled(quality, 63), "max-quantizer",
                    scaled(quality, 63));
            case "rav1enc" -> p.put("quantizer", scaled(quality, 255));
            case "nvh264enc", "nvh265enc" -> {
                if (hasProperty.test("qp-const")) {
                    put(p, "rc-mode", "constqp", "qp-const", q);
                } else {
                    put(p, "rate-control", "cqp", "qp-i", q, "qp-p", q, "qp-b", q);
                }
            }
            case "nvav1enc" -> put(p, "rate-control", "cqp", "qp-i", scaled(quality, 255), "qp-p",
                    scaled(quality, 255), "qp-b", scaled(quality, 255));
            case "nvv4l2h264enc", "nvv4l2h265enc" -> put(p, "ratecontrol-enable", "false", "quant-i-frames", q,
                    "quant-p-frames", q, "quant-b-frames", q);
            case "vah264enc", "vah265enc" -> put(p, "rate-control", "cqp", "qpi", q, "qpp", q, "qpb", q);
            case "vaav1enc" -> put(p, "rate-control", "cqp", "qp", scaled(quality, 255));
            case "vaapih264enc", "vaapih265enc" -> put(p, "rate-control", "cqp", "init-qp", q);
            // ProRes 422 HQ: the profile editors expect from an intermediate.
            case "avenc_prores_ks" -> p.put("profile", "hq");
            default -> {
                // avenc_prores has no profile property; avenc_ffv1 is lossless.
            }
        }
        return p;
    }

    private static void put(Map<String, String> p, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            p.put(pairs[i], pairs[i + 1]);
        }
    }

    /** Q from 0-51 onto 0-{@code max}. */
    private static String scaled(int quality, int max) {
        return Integer.toString(Math.round(quality * (float) max / MAX));
    }
}
