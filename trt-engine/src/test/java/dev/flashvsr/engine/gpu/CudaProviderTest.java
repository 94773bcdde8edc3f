package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.backend.BackendProvider;
import dev.flashvsr.engine.backend.Backends;
import dev.flashvsr.engine.backend.ModelDefinition;
import dev.flashvsr.engine.cpu.CpuProvider;
import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.Models;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cuda backend as the backend interface sees it: when it can run, what it runs, and how it refuses. */
class CudaProviderTest {
    private static final String NO_DRIVER = "no NVIDIA driver: libcuda.so.1 was not found; install the NVIDIA driver";
    private static final CudaProvider UNUSABLE = new CudaProvider(
            () -> new CudaRuntime.Availability(null, 0, List.of(), NO_DRIVER));

    @Test
    void itIsFoundOnTheClassPathAndRanksAboveTheCpu() {
        Optional<BackendProvider> cuda = Backends.discovered().providers().stream()
                .filter(p -> p.backend() == Backend.CUDA).findFirst();
        assertTrue(cuda.isPresent(), "META-INF/services lists the cuda provider");
        assertTrue(cuda.get().rank() > CpuProvider.RANK);
        assertTrue(cuda.get().canRun(new ModelDefinition.Bicubic()));
    }

    /** This machine (and CI) has no GPU: the real probe says what is missing instead of failing. */
    @Test
    void onAMachineWithoutAGpuTheReasonNamesWhatIsMissing() {
        Optional<String> reason = new CudaProvider().unusableReason();
        assumeFalse(reason.isEmpty(), "this machine has a usable GPU; the reason is checked where there is none");
        assertTrue(reason.get().contains("libcuda.so.1") || reason.get().contains("libcudart.so.13")
                || reason.get().contains("GPU"), reason.get());
    }

    @Test
    void backendCudaWithoutADriverFailsNamingTheReason() throws EngineException {
        Backends backends = Backends.of(List.of(new CpuProvider(), UNUSABLE));
        EngineException e = assertThrows(EngineException.class, () -> backends.load(Models.definition("bicubic"),
                Backend.CUDA, Precision.AUTO, 0));
        assertTrue(e.getMessage().contains("backend cuda cannot run model 'bicubic'"), e.getMessage());
        assertTrue(e.getMessage().contains(NO_DRIVER), e.getMessage());
    }

    @Test
    void backendAutoRunsOnTheCpuAndSaysWhyNotOnTheGpu() throws EngineException {
        Backends backends = Backends.of(List.of(new CpuProvider(), UNUSABLE));
        ModelDefinition bicubic = Models.definition("bicubic");
        try (Model model = backends.load(bicubic, Backend.AUTO, Precision.AUTO, 0)) {
            assertEquals(Backend.CPU, model.backend());
        }
        List<String> passedOver = backends.passedOver(Backend.CPU, bicubic, Precision.AUTO);
        assertEquals(List.of("cuda: not usable here: " + NO_DRIVER), passedOver);
    }

    @Test
    void withAGpuAutoPutsBicubicOnItButNeuralModelsStayOnTheCpu() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        Backends backends = Backends.of(List.of(new CpuProvider(), new CudaProvider(cuda::availability)));
        try (Model model = backends.load(Models.definition("bicubic"), Backend.AUTO, Precision.AUTO, 0)) {
            assertEquals(Backend.CUDA, model.backend());
            assertEquals(1, model.latencyFrames());
        }
        ModelDefinition neural = Models.definition(Models.VSR_SMALL);
        assertEquals(List.of(), backends.passedOver(Backend.CPU, neural, Precision.AUTO),
                "a backend that never runs such models was not passed over");
        assertEquals("", cuda.live(), "closing the model released the GPU");
    }

    @Test
    void aDeviceIdPastTheGpusIsRefusedNamingTheCount() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        EngineException e = assertThrows(EngineException.class, () -> new CudaProvider(cuda::availability)
                .load(new ModelDefinition.Bicubic(), Precision.FP32, 3));
        assertTrue(e.getMessage().contains("device-id 3") && e.getMessage().contains("1 NVIDIA GPU"), e.getMessage());
    }

    @Test
    void theDescriptionNamesTheGpusAndTheDriver() throws Exception {
        String description = new CudaProvider(HostCuda.oneGpu()::availability).description();
        assertEquals("CUDA kernels (bicubic) on 0: Host emulated GPU 0, compute 8.9; driver CUDA 13.0", description);
        assertFalse(UNUSABLE.description().isBlank());
        assertEquals("12.8", CudaProvider.version(12080));
    }
}
