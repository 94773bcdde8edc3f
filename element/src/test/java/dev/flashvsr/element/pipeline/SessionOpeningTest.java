package dev.flashvsr.element.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.cpu.PackageCopies;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.freedesktop.gstreamer.Bus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a session within the memory budget ({@code max-memory}): automatic tiles announced on
 * the bus, budgets nothing fits in as clear errors, and package declarations checked at start.
 * The 4K run and its resident memory are measured in a process of its own (LargeFrameMemoryTest).
 */
class SessionOpeningTest {
    @TempDir
    Path dir;

    @Test
    void aFrameOverTheBudgetIsTiledAndTheElementSaysSo() {
        List<String> infos = new CopyOnWriteArrayList<>();
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=2 ! video/x-raw,format=RGB,width=640,"
                + "height=360 ! flashvsrfilter max-memory=200 ! appsink name=out",
                (pipeline, sinks) -> pipeline.getBus().connect((Bus.INFO) (source, code, message) -> infos.add(message)));
        assertNull(run.error(), run.error());
        assertEquals(2, run.frames().size());
        assertEquals(2560, run.frames().get(0).width());
        assertEquals(1440, run.frames().get(0).height());
        assertEquals(1, infos.size(), infos::toString);
        assertTrue(infos.get(0).contains("640x360 at scale 4 with model 'vsr-small'")
                && infos.get(0).contains("more than the memory budget of 200 MiB (max-memory=200)")
                && infos.get(0).contains("tiling automatically with tile-size"), infos.get(0));
    }

    @Test
    void aFrameThatFitsIsNotTiled() {
        List<String> infos = new CopyOnWriteArrayList<>();
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=64,"
                + "height=36 ! flashvsrfilter max-memory=200 ! appsink name=out",
                (pipeline, sinks) -> pipeline.getBus().connect((Bus.INFO) (source, code, message) -> infos.add(message)));
        assertNull(run.error(), run.error());
        assertEquals(1, run.frames().size());
        assertEquals(List.of(), infos);
    }

    @Test
    void aBudgetNoTileFitsFailsNamingTileSizeAndMaxMemory() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=3840,"
                + "height=2160 ! flashvsrfilter max-memory=256 ! fakesink");
        assertTrue(run.failed());
        assertEquals("flashvsrfilter0", run.errorSource());
        for (String part : List.of("3840x2160 at scale 4", "tile-size 64", "256 MiB (max-memory=256)")) {
            assertTrue(run.error().contains(part), "'" + part + "' missing in: " + run.error());
        }
    }

    @Test
    void aTileSizeOverAnExplicitBudgetFailsNamingBoth() {
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=1 ! video/x-raw,format=RGB,width=640,"
                + "height=360 ! flashvsrfilter tile-size=320 max-memory=50 ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("tile-size 320") && run.error().contains("max-memory=50"), run.error());
    }

    @Test
    void aPackageDeclaringWrongStateChannelsFailsTheStart() throws Exception {
        Path pkg = PackageCopies.vsrSmallWithHiddenChannels(dir.resolve("wrong-state"), 5);
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=1 ! flashvsrfilter model=" + pkg
                + " ! fakesink");
        assertTrue(run.failed());
        assertTrue(run.error().contains("cannot start") && run.error().contains("has 4 channels, but 5 are expected"),
                run.error());
    }
}
