package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.freedesktop.gstreamer.Gst;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.glib.GError;
import org.junit.jupiter.api.Test;

/** Bad settings and failures inside the model become clear bus errors, never crashes or hangs. */
class ErrorsTest {

    @Test
    void missingModelFileFailsTheStartWithThePathAndTheFix() {
        GstTestSupport.Run run = GstTestSupport.run(
                "videotestsrc num-buffers=3 ! flashvsrfilter model=/no/such/dir/model.onnx ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("/no/such/dir/model.onnx"), run.error());
        assertTrue(run.error().contains("cannot start"), run.error());
    }

    @Test
    void unavailableBackendFailsTheStart() {
        GstTestSupport.Run run = GstTestSupport.run(
                "videotestsrc num-buffers=3 ! flashvsrfilter backend=tensorrt ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("tensorrt"), run.error());
    }

    @Test
    void contradictoryTileSettingsFailTheStart() {
        GstTestSupport.Run run = GstTestSupport.run(
                "videotestsrc num-buffers=3 ! flashvsrfilter tile-size=64 tile-overlap=40 ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("tile-overlap"), run.error());
    }

    @Test
    void anExceptionInTheModelBecomesABusError() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=20 ! video/x-raw,width=8,height=8 "
                + "! flashvsrfilter model=test-fail-5 scale=2 ! appsink name=out");
        assertTrue(run.failed());
        assertTrue(run.error().contains("test model failure at frame 5"), run.error());
        assertEquals(4, run.frames().size(), "frames before the failure were delivered");
    }

    @Test
    void invalidScaleIsRefusedAtParseTime() {
        List<GError> errors = new ArrayList<>();
        Element pipeline = Gst.parseLaunch("videotestsrc ! flashvsrfilter name=f scale=3 ! fakesink", errors);
        try {
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).getMessage().contains("scale"), errors.get(0).getMessage());
        } finally {
            if (pipeline != null) {
                pipeline.dispose();
            }
        }
    }
}
