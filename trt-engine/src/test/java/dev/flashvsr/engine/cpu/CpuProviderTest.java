package dev.flashvsr.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU provider through {@link Models#resolve}: device ids, backend choice and graphs loaded per precision. */
class CpuProviderTest {
    @TempDir
    Path dir;

    /**
     * x2 in fp32 and, as "fp16", vsr-small-fast's x2 graph: valid ONNX, so the package reads, but
     * without the smoothing state the manifest declares, which only building its session shows.
     */
    private Path packageWithBrokenFp16() throws Exception {
        return PackageCopies.vsrSmallX2WithFp16(dir.resolve("broken-fp16"),
                Files.readAllBytes(PackageCopies.VSR_SMALL.resolveSibling(Models.VSR_SMALL_FAST).resolve("x2.onnx")));
    }

    @Test
    void onlyTheGraphsOfTheChosenPrecisionAreLoaded() throws Exception {
        String pkg = packageWithBrokenFp16().toString();
        try (Model model = Models.resolve(pkg, Backend.CPU, Precision.FP32)) {
            assertEquals(Set.of(Precision.FP32), model.precisions(2));
            assertEquals(Backend.CPU, model.backend());
        }
        try (Model model = Models.resolve(pkg, Backend.AUTO, Precision.AUTO)) {
            assertEquals(Set.of(Precision.FP32), model.precisions(2), "auto prefers fp32 on the CPU");
        }
        EngineException e = assertThrows(EngineException.class, () -> Models.resolve(pkg, Backend.CPU, Precision.FP16));
        assertTrue(e.getMessage().contains("x2-fp16.onnx"), e.getMessage());
    }

    @Test
    void aModelLoadedInOnePrecisionNamesItWhenAnotherIsAskedForAtOpen() throws Exception {
        try (Model model = Models.resolve(packageWithBrokenFp16().toString(), Backend.CPU, Precision.FP32)) {
            EngineException e = assertThrows(EngineException.class, () -> model.resolvePrecision(Precision.FP16, 2));
            assertTrue(e.getMessage().contains("has no fp16 variant at scale 2; it has fp32"), e.getMessage());
        }
    }

    @Test
    void aPrecisionNoScaleHasIsRefusedNamingThoseThePackageHas() {
        EngineException e = assertThrows(EngineException.class,
                () -> Models.resolve("bicubic", Backend.AUTO, Precision.INT8));
        assertEquals("model 'bicubic' has no int8 variant; it has fp32", e.getMessage());
    }

    @Test
    void theCpuIsDeviceZeroAndOtherDeviceIdsAreRefused() throws EngineException {
        SessionOptions device0 = new SessionOptions(Backend.CPU, 0, 0, 0);
        try (Model model = Models.resolve("bicubic", device0)) {
            assertEquals(Backend.CPU, model.backend());
        }
        for (String name : new String[] {"bicubic", Models.VSR_SMALL}) {
            EngineException e = assertThrows(EngineException.class,
                    () -> Models.resolve(name, new SessionOptions(Backend.AUTO, 1, 0, 0)));
            assertTrue(e.getMessage().startsWith("device-id 1 does not exist on the cpu backend"), e.getMessage());
            assertEquals("Set device-id=0, or a backend with that GPU", e.remedy());
        }
        EngineException e = assertThrows(EngineException.class,
                () -> Models.resolve(Models.VSR_SMALL_FAST, Backend.CPU, Precision.FP32, 2));
        assertTrue(e.getMessage().startsWith("device-id 2 does not exist"), e.getMessage());
    }

    @Test
    void aGpuBackendThatCannotRunHereIsRefusedSayingWhy() {
        EngineException e = assertThrows(EngineException.class,
                () -> Models.resolve(Models.VSR_SMALL, Backend.TENSORRT, Precision.AUTO));
        assumeTrue(e.getMessage().contains("not usable here"), "this machine has a GPU and TensorRT");
        assertTrue(e.getMessage().startsWith("backend tensorrt cannot run model 'vsr-small'"), e.getMessage());
        assertTrue(e.remedy().contains("backend=auto"), e.remedy());
    }

    @Test
    void aRegisteredModelAnswersOnlyToItsOwnBackend() throws EngineException {
        Models.register("cpu-provider-test-bicubic", dev.flashvsr.engine.bicubic.BicubicModel::new);
        try (Model model = Models.resolve("cpu-provider-test-bicubic", Backend.CPU, Precision.FP32)) {
            assertEquals(Backend.CPU, model.backend());
        }
        EngineException e = assertThrows(EngineException.class,
                () -> Models.resolve("cpu-provider-test-bicubic", Backend.TENSORRT, Precision.AUTO));
        assertTrue(e.getMessage().contains("loaded for the cpu backend, not tensorrt"), e.getMessage());
        EngineException precision = assertThrows(EngineException.class,
                () -> Models.resolve("cpu-provider-test-bicubic", Backend.AUTO, Precision.FP16));
        assertTrue(precision.getMessage().contains("has no fp16 variant"), precision.getMessage());
    }
}
