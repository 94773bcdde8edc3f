package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.element.testmodels.Fp32OnlyPackage;
import dev.flashvsr.engine.cuda.CudaRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.glib.GError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** Without a GPU (this machine, CI) backend=cuda fails at READY to PAUSED saying what is missing. */
    @Test
    void backendCudaWithoutAGpuFailsTheStartNamingWhatIsMissing() {
        String reason = CudaRuntime.probe().reason();
        assumeTrue(reason != null, "this machine has a usable GPU");
        GstTestSupport.Run run = GstTestSupport.run(
                "videotestsrc num-buffers=3 ! flashvsrfilter backend=cuda model=bicubic ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("cannot start: backend cuda cannot run model 'bicubic': not usable here: "
                + reason), run.error());
    }

    @Test
    void aPrecisionTheModelLacksFailsTheStartNamingThoseItHas() {
        GstTestSupport.Run run = GstTestSupport.run(
                "videotestsrc num-buffers=3 ! flashvsrfilter model=bicubic precision=int8 ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("cannot start: model 'bicubic' has no int8 variant"), run.error());
        assertTrue(run.error().contains("it has fp32"), run.error());
    }

    /** A package made here, with only fp32 graphs: other variants added to the shipped packages do not change it. */
    @Test
    void aPrecisionAPackageLacksFailsTheStartNamingThoseItHas(@TempDir Path tmp) throws IOException {
        Path pkg = Fp32OnlyPackage.create(tmp.resolve("fp32-only"));
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=3 ! flashvsrfilter scale=2 model="
                + pkg + " precision=int8 ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("has no int8 variant; it has fp32"), run.error());
    }

    @Test
    void aPrecisionThePackageHasRuns(@TempDir Path tmp) throws IOException {
        Path pkg = Fp32OnlyPackage.create(tmp.resolve("fp32-only"));
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=3 ! video/x-raw,width=16,height=8"
                + " ! flashvsrfilter scale=2 model=" + pkg + " precision=fp32 ! appsink name=out");
        assertFalse(run.failed(), run::error);
        assertEquals(3, run.frames().size());
        assertEquals(32, run.frames().get(0).width());
    }

    @Test
    void invalidPrecisionIsRefusedAtParseTime() {
        GstTestSupport.init();
        List<GError> errors = new ArrayList<>();
        Element pipeline = Gst.parseLaunch("videotestsrc ! flashvsrfilter precision=fp8 ! fakesink", errors);
        try {
            assertEquals(1, errors.size());
            assertTrue(errors.get(0).getMessage().contains("precision"), errors.get(0).getMessage());
        } finally {
            if (pipeline != null) {
                pipeline.dispose();
            }
        }
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
