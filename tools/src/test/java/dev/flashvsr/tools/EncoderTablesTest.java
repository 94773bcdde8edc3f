package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.PadDirection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The codec, container, encoder and quality tables checked against the GStreamer installed here. */
class EncoderTablesTest {

    /** The caps each codec's stream has at the muxer. */
    private static final Map<VideoCodec, String> CAPS = Map.of(VideoCodec.H264, "video/x-h264",
            VideoCodec.H265, "video/x-h265", VideoCodec.AV1, "video/x-av1", VideoCodec.PRORES, "video/x-prores",
            VideoCodec.FFV1, "video/x-ffv");

    @BeforeAll
    static void init() {
        GstSupport.init();
    }

    @Test
    void eachContainerHoldsExactlyTheCodecsItsMuxerTakes() {
        for (OutputContainer container : OutputContainer.values()) {
            for (VideoCodec codec : VideoCodec.values()) {
                assertEquals(takes(container.muxer(), PadDirection.SINK, codec), container.holds(codec),
                        container + " / " + codec);
            }
        }
    }

    @Test
    void eachInstalledEncoderMakesItsCodec() {
        List<EncoderCatalog.Encoder> installed = installed();
        assertTrue(installed.stream().anyMatch(e -> e.factory().equals("x264enc")), "x264enc is installed here");
        for (EncoderCatalog.Encoder encoder : installed) {
            assertTrue(takes(encoder.factory(), PadDirection.SRC, encoder.codec()), encoder.factory());
        }
    }

    /** Every property the mapping sets exists on the real element and takes the value, at both ends of the scale. */
    @Test
    void theQualitySettingsFitTheInstalledEncoders() {
        for (EncoderCatalog.Encoder encoder : installed()) {
            for (int quality : new int[] {0, QualityMapping.DEFAULT, QualityMapping.MAX}) {
                Element element = GstSupport.make(encoder.factory(), null);
                Map<String, String> settings = QualityMapping.properties(encoder.factory(), quality,
                        p -> GstSupport.hasProperty(element, p));
                settings.forEach((p, v) -> GstSupport.setArg(element, p, v));
                // As gst-launch would print them back: strings quoted, '=' escaped.
                settings.forEach((p, v) -> assertEquals(v, element.getAsString(p).replaceAll("[\"\\\\]", ""),
                        encoder.factory() + " " + p));
                element.dispose();
            }
        }
    }

    @Test
    void qualityIsMappedOntoEachEncodersScale() {
        assertEquals(Map.of("pass", "qual", "quantizer", "18"), QualityMapping.properties("x264enc", 18, p -> true));
        assertEquals("50", QualityMapping.properties("x264enc", 51, p -> true).get("quantizer"),
                "x264's CRF ends at 50");
        assertEquals("crf=23", QualityMapping.properties("x265enc", 23, p -> true).get("option-string"));
        assertEquals("63", QualityMapping.properties("svtav1enc", 51, p -> true).get("crf"));
        assertEquals("22", QualityMapping.properties("av1enc", 18, p -> true).get("max-quantizer"));
        assertEquals("90", QualityMapping.properties("rav1enc", 18, p -> true).get("quantizer"));
        assertEquals(Map.of("rc-mode", "constqp", "qp-const", "18"),
                QualityMapping.properties("nvh264enc", 18, "qp-const"::equals), "GStreamer 1.22's nvh264enc");
        assertEquals(Map.of("rate-control", "cqp", "qp-i", "18", "qp-p", "18", "qp-b", "18"),
                QualityMapping.properties("nvh264enc", 18, p -> false), "the newer NVENC elements");
        assertEquals(Map.of(), QualityMapping.properties("avenc_ffv1", 18, p -> true));
    }

    @Test
    void inputFormatsAreReadFromTheSinkTemplate() {
        assertEquals(Set.of("NV12", "I420", "P010_10LE"), GstEncoderSupport.formats(
                "video/x-raw(memory:NVMM), format=(string){ NV12, I420 }; video/x-raw, format=(string)P010_10LE"));
        GstEncoderSupport gst = new GstEncoderSupport();
        assertTrue(gst.inputFormats("x264enc").contains("I420"), () -> gst.inputFormats("x264enc").toString());
        assertEquals(Set.of("I422_10LE", "Y444_10LE", "A444_10LE"), gst.inputFormats("avenc_prores_ks"));
        assertNull(gst.startFailure("x264enc"));
    }

    @Test
    void aContainerThatCannotHoldTheCodecNamesThoseThatCan() {
        assertEquals(OutputContainer.MOV, OutputContainer.check("a.MOV", VideoCodec.PRORES));
        assertEquals(".mp4 cannot hold ProRes video (--codec prores); name OUT .mov or .mkv instead, or choose"
                + " another --codec", assertThrows(CliException.class,
                        () -> OutputContainer.check("a.mp4", VideoCodec.PRORES)).getMessage());
        assertEquals(".mov cannot hold FFV1 video (--codec ffv1); name OUT .mkv instead, or choose another --codec",
                assertThrows(CliException.class, () -> OutputContainer.check("a.mov", VideoCodec.FFV1)).getMessage());
        assertEquals("output file 'a.avi' must end in .mp4, .mov or .mkv", assertThrows(CliException.class,
                () -> OutputContainer.check("a.avi", VideoCodec.H264)).getMessage());
    }

    private static List<EncoderCatalog.Encoder> installed() {
        GstEncoderSupport gst = new GstEncoderSupport();
        return EncoderCatalog.all().stream().filter(e -> gst.installed(e.factory())).toList();
    }

    /** Whether a pad template of the element (a muxer's video pads, an encoder's output) has the codec's caps. */
    private static boolean takes(String factory, PadDirection direction, VideoCodec codec) {
        Caps wanted = Caps.fromString(CAPS.get(codec));
        return ElementFactory.find(factory).getStaticPadTemplates().stream()
                .filter(t -> t.getDirection() == direction && !t.getName().startsWith("audio")
                        && !t.getName().startsWith("subtitle"))
                .anyMatch(t -> !t.getCaps().intersect(wanted).isEmpty());
    }
}
