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
        Opened opened = runRgb(640, 360, 2, "max-memory=200");
        assertNull(opened.run.error(), opened.run.error());
        assertEquals(2, opened.run.frames().size());
        assertEquals(2560, opened.run.frames().get(0).width());
        assertEquals(1440, opened.run.frames().get(0).height());
        assertEquals(1, opened.infos.size(), opened.infos::toString);
        String info = opened.infos.get(0);
        assertTrue(info.contains("640x360 at scale 4 with model 'vsr-small'")
                && info.contains("more than the memory budget of 200 MiB (max-memory=200)")
                && info.contains("tiling automatically with tile-size"), info);
    }

    @Test
    void aFrameThatFitsIsNotTiled() {
        Opened opened = runRgb(64, 36, 1, "max-memory=200");
        assertNull(opened.run.error(), opened.run.error());
        assertEquals(1, opened.run.frames().size());
        assertEquals(List.of(), opened.infos);
    }

    @Test
    void aBudgetNoTileFitsFailsNamingTileSizeAndMaxMemory() {
        GstTestSupport.Run run = runRgb(3840, 2160, 1, "max-memory=256").run;
        assertTrue(run.failed());
        assertTrue(run.errorSource().startsWith("flashvsrfilter"), run.errorSource());
        for (String part : List.of("3840x2160 at scale 4", "tile-size 64", "256 MiB (max-memory=256)")) {
            assertTrue(run.error().contains(part), "'" + part + "' missing in: " + run.error());
        }
    }

    @Test
    void aTileSizeOverAnExplicitBudgetFailsNamingBoth() {
        GstTestSupport.Run run = runRgb(640, 360, 1, "tile-size=320 max-memory=50").run;
        assertTrue(run.failed());
        assertTrue(run.error().contains("tile-size 320") && run.error().contains("max-memory=50"), run.error());
    }

    /** A run and the INFO messages it posted. */
    private record Opened(GstTestSupport.Run run, List<String> infos) {
    }

    /** Upscales {@code frames} RGB test frames of this size with these element properties. */
    private static Opened runRgb(int width, int height, int frames, String properties) {
        List<String> infos = new CopyOnWriteArrayList<>();
        GstTestSupport.Run run = GstTestSupport.run("videotestsrc num-buffers=" + frames + " ! video/x-raw,format=RGB,"
                + "width=" + width + ",height=" + height + " ! flashvsrfilter " + properties + " ! appsink name=out",
                (pipeline, sinks) -> pipeline.getBus().connect((Bus.INFO) (source, code, text) -> infos.add(text)));
        return new Opened(run, infos);
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
