package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The order of choice, over a made-up set of installed encoders: no hardware or GStreamer needed. */
class EncoderChoiceTest {

    /** Encoders "installed" with the formats they take; those in {@code broken} fail to start. */
    private static final class FakeEncoders implements EncoderSupport {
        final Map<String, Set<String>> installed = new HashMap<>();
        final Set<String> broken = new HashSet<>();
        final List<String> started = new java.util.ArrayList<>();

        FakeEncoders with(String factory, String... formats) {
            installed.put(factory, Set.of(formats));
            return this;
        }

        FakeEncoders broken(String factory) {
            broken.add(factory);
            return this;
        }

        @Override
        public boolean installed(String factory) {
            return installed.containsKey(factory);
        }

        @Override
        public Set<String> inputFormats(String factory) {
            return installed.get(factory);
        }

        @Override
        public String startFailure(String factory) {
            started.add(factory);
            return broken.contains(factory) ? "it did not start (no usable device or driver)" : null;
        }
    }

    private static FakeEncoders software() {
        return new FakeEncoders().with("x264enc", "I420", "NV12", "I420_10LE").with("openh264enc", "I420")
                .with("x265enc", "I420", "I420_10LE").with("av1enc", "I420").with("avenc_ffv1", "I420", "I420_10LE")
                .with("avenc_prores_ks", "I422_10LE");
    }

    @Test
    void aWorkingHardwareEncoderComesFirst() {
        FakeEncoders gst = software().with("vah264enc", "NV12").with("nvh264enc", "NV12", "I420");
        EncoderChoice c = EncoderChoice.choose(VideoCodec.H264, null, 8, gst);
        assertEquals("nvh264enc", c.encoder().factory());
        assertEquals("I420", c.format(), "the codec's first format the encoder takes");
        assertEquals("encoder nvh264enc (hardware)", c.describe());
    }

    @Test
    void aHardwareEncoderThatDoesNotStartIsPassedOver() {
        FakeEncoders gst = software().with("vah264enc", "NV12").broken("vah264enc")
                .with("vaapih264enc", "NV12", "I420");
        EncoderChoice c = EncoderChoice.choose(VideoCodec.H264, null, 8, gst);
        assertEquals("vaapih264enc", c.encoder().factory());
        assertEquals("encoder vaapih264enc (hardware; nvh264enc, nvv4l2h264enc not installed; vah264enc: it did not"
                + " start (no usable device or driver))", c.describe());
        assertEquals(List.of("vah264enc", "vaapih264enc"), gst.started);
    }

    @Test
    void withoutHardwareTheSoftwareEncoderSaysWhy() {
        EncoderChoice c = EncoderChoice.choose(VideoCodec.H264, null, 8, software().with("vah264enc", "NV12")
                .broken("vah264enc"));
        assertEquals("encoder x264enc (software; no usable hardware H.264 encoder: nvh264enc, nvv4l2h264enc,"
                + " vaapih264enc not installed; vah264enc: it did not start (no usable device or driver))",
                c.describe());
        assertEquals("encoder avenc_ffv1 (software)",
                EncoderChoice.choose(VideoCodec.FFV1, null, 8, software()).describe());
    }

    @Test
    void softwareEncodersFollowTheirOwnOrder() {
        FakeEncoders gst = software();
        gst.installed.remove("x264enc");
        EncoderChoice c = EncoderChoice.choose(VideoCodec.H264, null, 8, gst);
        assertEquals("openh264enc", c.encoder().factory());
        assertTrue(c.reason().endsWith("vaapih264enc, x264enc not installed"), c::reason);
        gst.with("svtav1enc", "I420", "I420_10LE");
        assertEquals("svtav1enc", EncoderChoice.choose(VideoCodec.AV1, null, 8, gst).encoder().factory());
    }

    @Test
    void tenBitPassesOverEncodersThatTakeOnlyEightBit() {
        FakeEncoders gst = software().with("nvh264enc", "NV12").with("nvh265enc", "NV12", "P010_10LE");
        EncoderChoice h264 = EncoderChoice.choose(VideoCodec.H264, null, 10, gst);
        assertEquals("x264enc", h264.encoder().factory());
        assertEquals("I420_10LE", h264.format());
        assertTrue(h264.reason().contains("nvh264enc: takes no 10-bit input"), h264::reason);
        EncoderChoice h265 = EncoderChoice.choose(VideoCodec.H265, null, 10, gst);
        assertEquals("nvh265enc", h265.encoder().factory());
        assertEquals("P010_10LE", h265.format());
        assertEquals("I422_10LE", EncoderChoice.choose(VideoCodec.PRORES, null, 10, gst).format());
    }

    @Test
    void tenBitWithoutAnEncoderForItNamesThoseThatCan() {
        CliException e = assertThrows(CliException.class,
                () -> EncoderChoice.choose(VideoCodec.AV1, null, 10, software()));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("no installed AV1 encoder is usable for 10-bit video (av1enc: takes no 10-bit input);"
                + " encoders here that write 10-bit video: x264enc (--codec h264), x265enc (--codec h265),"
                + " avenc_prores_ks (--codec prores), avenc_ffv1 (--codec ffv1)", e.getMessage());
    }

    @Test
    void noEncoderForTheCodecSaysWhatToInstall() {
        CliException e = assertThrows(CliException.class,
                () -> EncoderChoice.choose(VideoCodec.H265, null, 8, new FakeEncoders().with("x264enc", "I420")));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("no H.265 encoder is installed (none of nvh265enc, nvv4l2h265enc, vah265enc, vaapih265enc,"
                + " x265enc); install gstreamer1.0-plugins-bad (x265enc), or choose another --codec", e.getMessage());
    }

    @Test
    void proResHasNoEightBit() {
        CliException e = assertThrows(CliException.class,
                () -> EncoderChoice.choose(VideoCodec.PRORES, null, 8, software()));
        assertEquals("ProRes has no 8-bit variant; leave --bit-depth out or give 10", e.getMessage());
    }

    @Test
    void aForcedEncoderIsUsedEvenAfterOthers() {
        EncoderChoice c = EncoderChoice.choose(VideoCodec.H264, "openh264enc", 8, software());
        assertEquals("encoder openh264enc (--encoder)", c.describe());
    }

    @Test
    void aForcedEncoderThatIsMissingListsThoseInstalled() {
        CliException e = assertThrows(CliException.class,
                () -> EncoderChoice.choose(VideoCodec.H264, "nvh264enc", 8, software()));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("encoder nvh264enc is not installed (it comes with gstreamer1.0-plugins-bad, registered only"
                + " where the NVIDIA driver works); installed H.264 encoders: x264enc, openh264enc", e.getMessage());
    }

    @Test
    void aForcedEncoderMustMakeTheCodecStartAndTakeTheDepth() {
        assertEquals("--encoder x265enc makes H.265, not H.264; give --codec h265 or leave --codec out",
                assertThrows(CliException.class, () -> EncoderChoice.choose(VideoCodec.H264, "x265enc", 8,
                        software())).getMessage());
        FakeEncoders gst = software().with("vah264enc", "NV12").broken("vah264enc");
        assertEquals("encoder vah264enc: it did not start (no usable device or driver); leave --encoder out to use"
                + " the first H.264 encoder that works", assertThrows(CliException.class,
                        () -> EncoderChoice.choose(VideoCodec.H264, "vah264enc", 8, gst)).getMessage());
        assertTrue(assertThrows(CliException.class, () -> EncoderChoice.choose(VideoCodec.H264, "openh264enc", 10,
                gst)).getMessage().startsWith("encoder openh264enc cannot write 10-bit video; encoders here that"
                        + " write 10-bit video: x264enc (--codec h264)"));
        assertTrue(assertThrows(CliException.class, () -> EncoderChoice.choose(VideoCodec.H264, "ffmpeg", 8, gst))
                .getMessage().startsWith("--encoder 'ffmpeg' is not an encoder flashvsr knows; it knows nvh264enc"
                        + " (h264), "));
    }
}
