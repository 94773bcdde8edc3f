package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineChoicesTest {

    @Test
    void backendsAreParsedByNickIgnoringCase() {
        assertEquals(Backend.CPU, EngineChoices.backend("cpu"));
        assertEquals(Backend.TENSORRT, EngineChoices.backend(" TensorRT "));
        assertEquals(Backend.AUTO, EngineChoices.backend("AUTO"));
    }

    @Test
    void anUnknownBackendIsAUsageErrorNamingTheValidOnes() {
        CliException e = assertThrows(CliException.class, () -> EngineChoices.backend("gpu"));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("--backend must be one of auto, cpu, tensorrt, cuda, not 'gpu'", e.getMessage());
    }

    @Test
    void precisionsAreParsedByNickIgnoringCase() {
        assertEquals(Precision.INT8, EngineChoices.precision("INT8"));
        assertEquals(List.of(Precision.FP32, Precision.INT8, Precision.AUTO),
                EngineChoices.precisions(List.of("fp32", " int8", "auto")));
    }

    @Test
    void anUnknownPrecisionIsAUsageErrorNamingTheValidOnes() {
        CliException e = assertThrows(CliException.class, () -> EngineChoices.precisions(List.of("fp32", "fp8")));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("--precision must be one of auto, fp32, fp16, bf16, int8, not 'fp8'", e.getMessage());
    }

    @Test
    void aPrecisionListedTwiceIsAUsageError() {
        CliException e = assertThrows(CliException.class,
                () -> EngineChoices.precisions(List.of("fp32", "FP32")));
        assertEquals(FlashVsrCli.EXIT_USAGE, e.exitCode());
        assertEquals("--precision lists fp32 twice", e.getMessage());
    }
}
