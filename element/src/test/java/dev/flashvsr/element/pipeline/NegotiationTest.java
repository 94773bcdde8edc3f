package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.glib.GError;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Pipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Caps queries in both directions, downstream-driven sizes, and refused requests. */
class NegotiationTest {

    @BeforeAll
    static void init() {
        GstTestSupport.init();
    }

    @Test
    void downstreamSizeMakesUpstreamProduceAQuarter() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=3 ! flashvsrfilter name=f "
                + "! video/x-raw,width=1280,height=720 ! tee name=t t. ! queue ! appsink name=out");
        assertNull(run.error(), run.error());
        assertEquals(3, run.frames().size());
        assertEquals(1280, run.frames().get(0).width());
        assertEquals(720, run.frames().get(0).height());
    }

    @Test
    void capsQueriesAreMappedByTheScaleInBothDirections() {
        Pipeline pipeline = (Pipeline) Gst.parseLaunch("videotestsrc ! video/x-raw,format=NV12,width=[100,200],"
                + "pixel-aspect-ratio=4/3 ! flashvsrfilter name=f scale=2 ! video/x-raw,width=[300,1000] ! fakesink");
        try {
            Element filter = pipeline.getElementByName("f");
            // Downstream takes widths 300..1000, so upstream may offer 150..500.
            Caps sinkSide = filter.getStaticPad("sink").queryCaps(null);
            assertTrue(sinkSide.toString().contains("width=(int)[ 150, 500 ]"), sinkSide.toString());
            // Upstream offers 100..200, so we can produce every even width from 200 to 400.
            Caps srcSide = filter.getStaticPad("src").queryCaps(null);
            assertTrue(srcSide.toString().contains("width=(int)[ 200, 400, 2 ]"), srcSide.toString());
            assertTrue(srcSide.toString().contains("pixel-aspect-ratio=(fraction)4/3"), srcSide.toString());
            assertTrue(srcSide.toString().contains("NV12"), srcSide.toString());
        } finally {
            pipeline.dispose();
        }
    }

    @Test
    void pixelAspectRatioAndFramerateArePreserved() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=2 ! video/x-raw,width=40,height=30,"
                + "pixel-aspect-ratio=16/15,framerate=50/1 ! flashvsrfilter scale=2 ! "
                + "video/x-raw,pixel-aspect-ratio=16/15,framerate=50/1 ! appsink name=out");
        assertNull(run.error(), run.error());
        assertEquals(80, run.frames().get(0).width());
        assertEquals(20_000_000L, run.frames().get(1).pts());
    }

    @Test
    void impossibleSizeFailsToLinkNamingTheCaps() {
        List<GError> errors = new ArrayList<>();
        Element pipeline = Gst.parseLaunch(
                "videotestsrc ! flashvsrfilter scale=4 ! video/x-raw,width=1282,height=720 ! fakesink", errors);
        if (pipeline != null) {
            pipeline.dispose();
        }
        assertEquals(1, errors.size());
        String message = errors.get(0).getMessage();
        assertTrue(message.contains("could not link flashvsrfilter") && message.contains("width=(int)1282"), message);
    }

    @Test
    void sizeRangesWithoutAMultipleOfTheScaleDoNotLink() {
        List<GError> errors = new ArrayList<>();
        Element pipeline = Gst.parseLaunch("videotestsrc ! video/x-raw,width=100 ! flashvsrfilter scale=4 "
                + "! video/x-raw,width=[401,403] ! fakesink", errors);
        if (pipeline != null) {
            pipeline.dispose();
        }
        assertEquals(1, errors.size(), "400 is the only width flashvsrfilter can produce here");
    }

    @Test
    void unsupportedFormatDoesNotLink() {
        List<GError> errors = new ArrayList<>();
        Element pipeline = Gst.parseLaunch("videotestsrc ! video/x-raw,format=YUY2 ! flashvsrfilter ! fakesink", errors);
        if (pipeline != null) {
            pipeline.dispose();
        }
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains("could not link"), errors.get(0).getMessage());
    }

    @Test
    void twoInstancesChain() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=4 ! video/x-raw,format=I420,width=20,"
                + "height=10 ! flashvsrfilter scale=2 ! flashvsrfilter scale=2 ! appsink name=out");
        assertNull(run.error(), run.error());
        assertEquals(4, run.frames().size());
        assertEquals(80, run.frames().get(0).width());
        assertEquals(40, run.frames().get(0).height());
    }
}
