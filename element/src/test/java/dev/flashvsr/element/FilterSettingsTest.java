package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.DiffusionOptions;
import dev.flashvsr.engine.FrameSizeRange;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterSettingsTest {

    @Test
    void defaultsAreAutomatic() {
        ElementSettings snapshot = new FilterSettings().snapshot();
        assertEquals(new ElementSettings(4, Models.DEFAULT, Backend.AUTO, Precision.AUTO, 0, 0, 0, 0,
                DiffusionOptions.DEFAULT.colorFix(), false, 0, "", "", "", true), snapshot);
        assertEquals("automatic", snapshot.describeMaxMemory());
        assertTrue(snapshot.sessionOptions().engineCache().isEmpty(), "the tensorrt backend's default folder");
        assertTrue(snapshot.sessionOptions().engineSizes().isEmpty(), "engines for each stream's exact size");
        assertTrue(snapshot.sessionOptions().cudaGraphs(), "CUDA graphs on");
    }

    @Test
    void theEngineCacheFolderReachesTheSessionOptions() {
        FilterSettings settings = new FilterSettings();
        settings.setEngineCache("/var/cache/flashvsr-engines");
        assertEquals(Optional.of(Path.of("/var/cache/flashvsr-engines")),
                settings.snapshot().sessionOptions().engineCache());
        settings.setEngineCache(null);
        assertEquals("", settings.engineCache());
    }

    @Test
    void theEngineSizesReachTheSessionOptionsAndAWrongOneFailsTheStart() {
        FilterSettings settings = new FilterSettings();
        settings.setEngineSizes("640x360-1920x1080");
        assertEquals(Optional.of(new FrameSizeRange(640, 360, 1920, 1080)),
                settings.snapshot().sessionOptions().engineSizes());
        settings.setCudaGraphs(false);
        assertFalse(settings.snapshot().sessionOptions().cudaGraphs());
        settings.setEngineSizes("1920x1080");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings.snapshot().sessionOptions());
        assertEquals("engine-sizes '1920x1080' is not a size range: write MINWxMINH-MAXWxMAXH, e.g."
                + " 640x360-1920x1080", e.getMessage());
        settings.setEngineSizes("1920x1080-640x360");
        e = assertThrows(IllegalArgumentException.class, () -> settings.snapshot().sessionOptions());
        assertTrue(e.getMessage().startsWith("engine-sizes: frame size range 1920x1080-640x360 is empty: give the"
                + " smallest size first"), e.getMessage());
    }

    @Test
    void aSnapshotKeepsItsValuesWhenSettingsChangeLater() {
        FilterSettings settings = new FilterSettings();
        settings.setPrecision(Precision.INT8);
        settings.setScale(2);
        settings.setMaxMemoryMib(512);
        ElementSettings taken = settings.snapshot();
        settings.setPrecision(Precision.FP16);
        settings.setScale(4);
        settings.setMaxMemoryMib(0);
        assertEquals(Precision.INT8, taken.precision());
        assertEquals(2, taken.scale());
        assertEquals("512 MiB", taken.describeMaxMemory());
        assertEquals(Precision.FP16, settings.snapshot().precision());
    }

    @Test
    void sessionOptionsCarryEveryStartTimeSetting() {
        FilterSettings settings = new FilterSettings();
        settings.setBackend(Backend.CPU);
        settings.setPrecision(Precision.FP32);
        settings.setDeviceId(1);
        settings.setTileSize(128);
        settings.setTileOverlap(8);
        settings.setColorFix(DiffusionOptions.ColorFix.WAVELET);
        settings.setSeed(7);
        settings.setNoiseFile("/tmp/noise.safetensors");
        var options = settings.snapshot().sessionOptions();
        assertEquals(Backend.CPU, options.backend());
        assertEquals(Precision.FP32, options.precision());
        assertEquals(1, options.deviceId());
        assertEquals(128, options.tileSize());
        assertEquals(8, options.tileOverlap());
        assertEquals(new DiffusionOptions(DiffusionOptions.ColorFix.WAVELET, false, 7,
                Optional.of(Path.of("/tmp/noise.safetensors"))), options.diffusion());
    }

    @Test
    void outOfRangeValuesAreRefusedWhenSet() {
        FilterSettings settings = new FilterSettings();
        assertThrows(IllegalArgumentException.class, () -> settings.setScale(3));
        assertThrows(IllegalArgumentException.class, () -> settings.setMaxMemoryMib(-1));
        assertEquals(4, settings.snapshot().scale());
    }
}
