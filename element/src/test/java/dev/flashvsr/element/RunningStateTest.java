package dev.flashvsr.element;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.element.testmodels.Fp32OnlyPackage;
import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Precision;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting resolves model, backend and precision from a settings snapshot, or fails naming the choices. */
class RunningStateTest {

    @TempDir
    Path tmp;

    private static ElementSettings settings(String model, int scale, Precision precision) {
        FilterSettings settings = new FilterSettings();
        settings.setModel(model);
        settings.setScale(scale);
        settings.setPrecision(precision);
        return settings.snapshot();
    }

    @Test
    void autoResolvesToTheModelsPrecisionAndTheLogLineSaysSo() throws EngineException {
        try (RunningState state = RunningState.start(settings("vsr-small", 2, Precision.AUTO))) {
            assertEquals(Precision.FP32, state.precision());
            assertEquals(Precision.FP32, state.options().precision(), "sessions open with the resolved precision");
            assertEquals(Backend.CPU, state.backend());
            assertEquals(2, state.scale());
            assertTrue(state.describe().contains("backend CPU (asked: AUTO"), state.describe());
            assertTrue(state.describe().contains("precision FP32 (asked: AUTO)"), state.describe());
            assertEquals(state.backendsPassedOver().isEmpty(), state.describe().contains("backend CPU (asked: AUTO),"),
                    "the backends auto passed over are in the log line: " + state.describe());
        }
    }

    @Test
    void aPrecisionTheModelHasRuns() throws EngineException {
        try (RunningState state = RunningState.start(settings("bicubic", 4, Precision.FP32))) {
            assertEquals(Precision.FP32, state.precision());
        }
    }

    @Test
    void aPrecisionTheBuiltInModelLacksFailsNamingThoseItHas() {
        EngineException e = assertThrows(EngineException.class,
                () -> RunningState.start(settings("bicubic", 4, Precision.INT8)));
        assertTrue(e.getMessage().contains("no int8 variant") && e.getMessage().contains("it has fp32"),
                e.getMessage());
        assertTrue(e.describe().contains("Set precision to auto or to one of: fp32"), e.describe());
    }

    @Test
    void aPrecisionAPackageLacksFailsNamingThoseItHas() throws IOException {
        Path pkg = Fp32OnlyPackage.create(tmp.resolve("fp32-only"));
        for (Precision missing : new Precision[] {Precision.FP16, Precision.BF16, Precision.INT8}) {
            EngineException e = assertThrows(EngineException.class,
                    () -> RunningState.start(settings(pkg.toString(), 2, missing)));
            assertTrue(e.getMessage().contains("no " + missing.nick() + " variant"), e.getMessage());
            assertTrue(e.getMessage().contains("fp32"), e.getMessage());
        }
    }

    @Test
    void contradictoryTileSettingsFailBeforeTheModelIsLoaded() {
        FilterSettings settings = new FilterSettings();
        settings.setTileSize(64);
        settings.setTileOverlap(40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningState.start(settings.snapshot()));
        assertTrue(e.getMessage().contains("tile-overlap 40"), e.getMessage());
    }

    @Test
    void anUnknownModelFailsTheStart() {
        EngineException e = assertThrows(EngineException.class,
                () -> RunningState.start(settings("no-such-model", 4, Precision.AUTO)));
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }
}
