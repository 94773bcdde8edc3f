package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link CudaRuntime#probe}: each missing piece gives a reason that names it and says what to do. */
class CudaRuntimeTest {
    private static final Predicate<String> ALL_PTX = resource -> true;

    @Test
    void aUsableDriverListsItsGpus() {
        HostCudaDriver driver = new HostCudaDriver(2, 13000, 1 << 20);
        CudaRuntime.Availability availability = CudaRuntime.probe(() -> driver, ALL_PTX);
        assertTrue(availability.usable(), availability.reason());
        assertNull(availability.reason());
        assertSame(driver, availability.driver());
        assertEquals(13000, availability.driverVersion());
        assertEquals(2, availability.devices().size());
        assertEquals(1, availability.devices().get(1).ordinal());
    }

    @Test
    void missingDriverLibraryIsNamed() {
        String reason = unusable(() -> {
            throw new UnsatisfiedLinkError("/root/.javacpp/cache/cuda.jar/libjnicudart.so: libcuda.so.1: cannot open"
                    + " shared object file: No such file or directory");
        }, ALL_PTX);
        assertTrue(reason.startsWith("no NVIDIA driver: libcuda.so.1 not found; install the NVIDIA driver"), reason);
    }

    @Test
    void missingDriverLibraryIsFoundInTheCauseJavaCppWrapsItIn() {
        UnsatisfiedLinkError outer = new UnsatisfiedLinkError("no jnicudart in java.library.path");
        outer.initCause(new UnsatisfiedLinkError("libjnicudart.so: libcuda.so.1: cannot open shared object file"));
        assertTrue(unusable(() -> {
            throw outer;
        }, ALL_PTX).contains("libcuda.so.1 not found"));
    }

    @Test
    void missingCuda13RuntimeIsNamed() {
        String reason = unusable(() -> {
            throw new UnsatisfiedLinkError("/root/.javacpp/cache/cuda.jar/libjnicudart.so: libcudart.so.13: cannot"
                    + " open shared object file: No such file or directory");
        }, ALL_PTX);
        assertTrue(reason.startsWith("the CUDA 13 runtime libcudart.so.13 is not installed; install CUDA 13"), reason);
        assertTrue(reason.contains("JetPack 7"), reason);
    }

    /** A build with the JetPack 6 presets (CUDA 12.6) names the runtime those link. */
    @Test
    void missingCuda12RuntimeIsNamedForAJetPack6Build() {
        String reason = unusable(() -> {
            throw new UnsatisfiedLinkError("libjnicudart.so: libcudart.so.12: cannot open shared object file");
        }, ALL_PTX);
        assertTrue(reason.startsWith("the CUDA 12 runtime libcudart.so.12 is not installed; install CUDA 12"), reason);
        assertTrue(reason.contains("JetPack 6"), reason);
    }

    @Test
    void anotherLinkFailureKeepsItsMessage() {
        String reason = unusable(() -> {
            throw new UnsatisfiedLinkError("no jnicudart in java.library.path");
        }, ALL_PTX);
        assertTrue(reason.contains("no jnicudart in java.library.path") && reason.contains("libcudart.so.13"), reason);
    }

    @Test
    void noGpuAtInitIsSaidPlainly() {
        String reason = unusable(() -> {
            throw CudaException.ofCall("cuInit", CudaException.CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE",
                    "no CUDA-capable device is detected");
        }, ALL_PTX);
        assertTrue(reason.startsWith("no NVIDIA GPU found"), reason);
        assertTrue(unusable(() -> new HostCudaDriver(0, 13000, 1), ALL_PTX).startsWith("no NVIDIA GPU found"));
    }

    @Test
    void otherInitFailuresCarryTheCuresult() {
        String reason = unusable(() -> {
            throw CudaException.ofCall("cuInit", 999, "CUDA_ERROR_UNKNOWN", "unknown error");
        }, ALL_PTX);
        assertTrue(reason.contains("cuInit failed: CUDA_ERROR_UNKNOWN (999)"), reason);
    }

    @Test
    void aDriverTooOldForThePtxNamesBothVersions() {
        String reason = unusable(() -> new HostCudaDriver(1, 11040, 1 << 20), ALL_PTX);
        assertTrue(reason.contains("supports CUDA 11.4 (driver API version 11040)"), reason);
        assertTrue(reason.contains("PTX ISA 7.8") && reason.contains("need CUDA 11.8 (11080, driver R520 or later)"),
                reason);
        assertTrue(reason.endsWith("update the NVIDIA driver"), reason);
        assertTrue(CudaRuntime.probe(() -> new HostCudaDriver(1, 11080, 1 << 20), ALL_PTX).usable());
    }

    @Test
    void aBuildWithoutPtxSaysSo() {
        String reason = unusable(HostCudaDriver::new, resource -> !resource.endsWith("planar_to_color.ptx"));
        assertTrue(reason.startsWith("this build has no CUDA kernels (built without clang++-16)"), reason);
        assertTrue(reason.contains("dev/flashvsr/engine/cuda/planar_to_color.ptx is missing"), reason);
    }

    @Test
    void cudaVersionsReadAsMajorDotMinor() {
        assertEquals("13.0", CudaRuntime.cudaVersion(13000));
        assertEquals("11.8", CudaRuntime.cudaVersion(11080));
        assertEquals("12.9", CudaRuntime.cudaVersion(12090));
    }

    /** The real probe on this machine: without the NVIDIA driver it must say so, not crash. */
    @Test
    void theRealProbeWithoutTheDriverNamesTheMissingLibrary() {
        CudaRuntime.Availability availability = CudaRuntime.probe();
        assertSame(availability, CudaRuntime.probe(), "probed once per process");
        Assumptions.assumeFalse(driverLibraryPresent(),
                "libcuda.so.1 is installed here, so the missing-driver reason cannot be checked (probe: "
                        + (availability.usable() ? "usable" : availability.reason()) + ")");
        assertFalse(availability.usable());
        assertTrue(availability.reason().startsWith("no NVIDIA driver: libcuda.so.1 not found"), availability.reason());
        assertThrows(LinkageError.class, JavaCppCudaDriver::load, "no driver: loading fails with a LinkageError");
    }

    private static boolean driverLibraryPresent() {
        try {
            NativeLibrary.getInstance("libcuda.so.1");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static String unusable(CudaRuntime.DriverLoader loader, Predicate<String> ptx) {
        CudaRuntime.Availability availability = CudaRuntime.probe(loader, ptx);
        assertFalse(availability.usable(), "expected unusable");
        assertNull(availability.driver());
        assertTrue(availability.devices().isEmpty());
        return availability.reason();
    }
}
