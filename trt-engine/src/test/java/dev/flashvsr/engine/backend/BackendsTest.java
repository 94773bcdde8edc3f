package dev.flashvsr.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.bicubic.BicubicModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Choosing a provider: ranking for auto, and what the user is told when the choice cannot run. */
class BackendsTest {
    private static final ModelDefinition BICUBIC = new ModelDefinition.Bicubic();

    /** A provider whose every answer the test sets; it records the loads it is asked for. */
    private static final class FakeProvider implements BackendProvider {
        final Backend backend;
        final int rank;
        final String unusable;
        final boolean runsBicubic;
        final List<Precision> precisions;
        final List<String> loads = new ArrayList<>();

        FakeProvider(Backend backend, int rank, String unusable, boolean runsBicubic, Precision... precisions) {
            this.backend = backend;
            this.rank = rank;
            this.unusable = unusable;
            this.runsBicubic = runsBicubic;
            this.precisions = List.of(precisions);
        }

        static FakeProvider usable(Backend backend, int rank) {
            return new FakeProvider(backend, rank, "", true, Precision.FP32);
        }

        @Override
        public Backend backend() {
            return backend;
        }

        @Override
        public String description() {
            return "fake " + backend.nick();
        }

        @Override
        public Capabilities capabilities() {
            return new Capabilities(Capabilities.DeviceKind.CUDA_GPU, precisions, Capabilities.StateMemory.DEVICE, true);
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public Optional<String> unusableReason() {
            return unusable.isEmpty() ? Optional.empty() : Optional.of(unusable);
        }

        @Override
        public boolean canRun(ModelDefinition definition) {
            return runsBicubic || !(definition instanceof ModelDefinition.Bicubic);
        }

        @Override
        public Model load(ModelDefinition definition, Precision precision, int deviceId) {
            loads.add(definition.name() + " " + precision.nick() + " on " + deviceId);
            return new BicubicModel();
        }
    }

    @Test
    void theCpuProviderIsDiscoveredUsableAndListed() {
        List<BackendStatus> listed = Backends.available();
        BackendStatus cpu = listed.stream().filter(s -> s.backend() == Backend.CPU).findFirst().orElseThrow();
        assertEquals("cpu", cpu.nick());
        assertTrue(cpu.usable(), cpu.reason());
        assertEquals("", cpu.reason());
        assertTrue(cpu.description().startsWith("ONNX Runtime 1."), cpu.description());
        assertEquals(Capabilities.DeviceKind.CPU, cpu.capabilities().device());
        assertEquals(Precision.FP32, cpu.capabilities().precisions().get(0), "auto stays with fp32 on the CPU");
        assertSame(Backends.discovered(), Backends.discovered(), "discovered once per process");
    }

    @Test
    void listingsAreBestRankedFirstAndSayWhyABackendCannotRun() {
        Backends backends = Backends.of(List.of(FakeProvider.usable(Backend.CPU, 0),
                new FakeProvider(Backend.TENSORRT, 100, "no CUDA driver found; install the NVIDIA driver", true,
                        Precision.FP16, Precision.FP32)));
        List<BackendStatus> statuses = backends.statuses();
        assertEquals(List.of(Backend.TENSORRT, Backend.CPU), statuses.stream().map(BackendStatus::backend).toList());
        assertFalse(statuses.get(0).usable());
        assertEquals("no CUDA driver found; install the NVIDIA driver", statuses.get(0).reason());
        assertEquals(List.of(Precision.FP16, Precision.FP32), statuses.get(0).capabilities().precisions());
        assertTrue(statuses.get(1).usable());
    }

    @Test
    void autoTakesTheBestRankedUsableProviderThatRunsTheModel() throws EngineException {
        FakeProvider cpu = FakeProvider.usable(Backend.CPU, 0);
        FakeProvider gpu = FakeProvider.usable(Backend.TENSORRT, 100);
        assertSame(gpu, Backends.of(List.of(cpu, gpu)).choose(Backend.AUTO, BICUBIC, Precision.AUTO));

        FakeProvider unusableGpu = new FakeProvider(Backend.TENSORRT, 100, "no GPU", true, Precision.FP32);
        assertSame(cpu, Backends.of(List.of(cpu, unusableGpu)).choose(Backend.AUTO, BICUBIC, Precision.AUTO));

        FakeProvider gpuWithoutBicubic = new FakeProvider(Backend.TENSORRT, 100, "", false, Precision.FP32);
        assertSame(cpu, Backends.of(List.of(cpu, gpuWithoutBicubic)).choose(Backend.AUTO, BICUBIC, Precision.AUTO));

        FakeProvider fp16Gpu = new FakeProvider(Backend.TENSORRT, 100, "", true, Precision.FP16);
        assertSame(cpu, Backends.of(List.of(cpu, fp16Gpu)).choose(Backend.AUTO, BICUBIC, Precision.FP32));
        assertSame(fp16Gpu, Backends.of(List.of(cpu, fp16Gpu)).choose(Backend.AUTO, BICUBIC, Precision.AUTO));
    }

    @Test
    void autoWithNothingThatRunsTheModelSaysWhyForEachBackend() {
        Backends none = Backends.of(List.of());
        EngineException empty = assertThrows(EngineException.class,
                () -> none.choose(Backend.AUTO, BICUBIC, Precision.AUTO));
        assertTrue(empty.getMessage().contains("none is present"), empty.getMessage());

        Backends backends = Backends.of(List.of(new FakeProvider(Backend.CPU, 0, "library missing", true,
                Precision.FP32), new FakeProvider(Backend.TENSORRT, 100, "", false, Precision.FP32)));
        EngineException e = assertThrows(EngineException.class,
                () -> backends.choose(Backend.AUTO, BICUBIC, Precision.AUTO));
        assertTrue(e.getMessage().contains("model 'bicubic'"), e.getMessage());
        assertTrue(e.getMessage().contains("cpu: not usable here: library missing"), e.getMessage());
        assertTrue(e.getMessage().contains("tensorrt: it does not run this kind of model"), e.getMessage());
    }

    @Test
    void aBackendMissingFromTheBuildIsNamedWithThosePresent() {
        Backends cpuOnly = Backends.of(List.of(FakeProvider.usable(Backend.CPU, 0)));
        EngineException e = assertThrows(EngineException.class,
                () -> cpuOnly.choose(Backend.TENSORRT, BICUBIC, Precision.AUTO));
        assertEquals("backend tensorrt is not part of this build; present: cpu", e.getMessage());
        assertEquals("Set backend=auto or one of: cpu", e.remedy());
    }

    @Test
    void anUnusableRequestedBackendGivesItsReason() {
        Backends backends = Backends.of(List.of(FakeProvider.usable(Backend.CPU, 0),
                new FakeProvider(Backend.TENSORRT, 100, "no CUDA driver found", true, Precision.FP32)));
        EngineException e = assertThrows(EngineException.class,
                () -> backends.choose(Backend.TENSORRT, BICUBIC, Precision.AUTO));
        assertEquals("backend tensorrt cannot run model 'bicubic': not usable here: no CUDA driver found",
                e.getMessage());
        assertTrue(e.remedy().contains("cpu"), e.remedy());
    }

    @Test
    void aRequestedBackendThatLacksThePrecisionSaysWhichItRuns() {
        Backends backends = Backends.of(List.of(new FakeProvider(Backend.TENSORRT, 100, "", true,
                Precision.FP16, Precision.INT8)));
        EngineException e = assertThrows(EngineException.class,
                () -> backends.choose(Backend.TENSORRT, BICUBIC, Precision.FP32));
        assertTrue(e.getMessage().endsWith("in fp32: it does not run fp32, only fp16, int8"), e.getMessage());
        assertTrue(e.remedy().contains("precision=auto"), e.remedy());
    }

    @Test
    void loadPassesPrecisionAndDeviceToTheChosenProviderOnly() throws EngineException {
        FakeProvider cpu = FakeProvider.usable(Backend.CPU, 0);
        FakeProvider gpu = FakeProvider.usable(Backend.TENSORRT, 100);
        Backends.of(List.of(cpu, gpu)).load(BICUBIC, Backend.CPU, Precision.FP32, 0).close();
        Backends.of(List.of(cpu, gpu)).load(BICUBIC, Backend.AUTO, Precision.AUTO, 3).close();
        assertEquals(List.of("bicubic fp32 on 0"), cpu.loads);
        assertEquals(List.of("bicubic auto on 3"), gpu.loads);
    }

    @Test
    void loadRefusesAPrecisionTheModelLacksBeforeAskingAnyProvider() {
        FakeProvider int8 = new FakeProvider(Backend.CPU, 0, "", true, Precision.INT8, Precision.FP32);
        EngineException e = assertThrows(EngineException.class,
                () -> Backends.of(List.of(int8)).load(BICUBIC, Backend.AUTO, Precision.INT8, 0));
        assertEquals("model 'bicubic' has no int8 variant; it has fp32", e.getMessage());
        assertEquals("Set precision to auto or to one of: fp32", e.remedy());
        assertTrue(int8.loads.isEmpty());
    }

    @Test
    void capabilitiesChooseTheFirstPreferredPrecisionTheModelHas() {
        Capabilities gpu = new Capabilities(Capabilities.DeviceKind.CUDA_GPU,
                List.of(Precision.INT8, Precision.FP16, Precision.FP32), Capabilities.StateMemory.DEVICE, true);
        assertEquals(Optional.of(Precision.FP16), gpu.choose(Precision.AUTO, Set.of(Precision.FP32, Precision.FP16)));
        assertEquals(Optional.of(Precision.FP32), gpu.choose(Precision.FP32, Set.of(Precision.FP32, Precision.FP16)));
        assertEquals(Optional.empty(), gpu.choose(Precision.INT8, Set.of(Precision.FP32)));
        assertEquals(Optional.empty(), gpu.choose(Precision.BF16, Set.of(Precision.BF16)), "bf16 is not run");
        assertTrue(gpu.runs(Precision.AUTO));
        assertFalse(gpu.runs(Precision.BF16));
    }

    @Test
    void capabilitiesRefuseNoPrecisionAndAuto() {
        assertThrows(IllegalArgumentException.class, () -> new Capabilities(Capabilities.DeviceKind.CPU, List.of(),
                Capabilities.StateMemory.HOST, false));
        assertThrows(IllegalArgumentException.class, () -> new Capabilities(Capabilities.DeviceKind.CPU,
                List.of(Precision.AUTO), Capabilities.StateMemory.HOST, false));
    }
}
