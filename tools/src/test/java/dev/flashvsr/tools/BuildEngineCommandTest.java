package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.backend.BackendProvider;
import dev.flashvsr.engine.backend.Backends;
import org.junit.jupiter.api.Test;

/** {@code flashvsr build-engine} where TensorRT cannot run (this machine, CI), and its usage errors. */
class BuildEngineCommandTest {

    @Test
    void withoutAGpuOrTensorRtItFailsNamingWhatIsMissing() {
        BackendProvider tensorRt = Backends.discovered().providers().stream()
                .filter(p -> p.backend() == Backend.TENSORRT).findFirst().orElseThrow();
        String reason = tensorRt.unusableReason().orElse("");
        assumeTrue(!reason.isEmpty(), "this machine has a GPU and TensorRT");
        CliTestSupport.Result r = CliTestSupport.run("build-engine", "vsr-small", "--size", "64x48");
        assertEquals(FlashVsrCli.EXIT_FAILURE, r.code(), r::toString);
        assertTrue(r.err().contains("backend tensorrt cannot run model 'vsr-small': not usable here: " + reason),
                r::toString);
    }

    @Test
    void aBadSizeOrScaleIsAUsageError() {
        CliTestSupport.Result size = CliTestSupport.run("build-engine", "vsr-small", "--size", "64");
        assertEquals(FlashVsrCli.EXIT_USAGE, size.code(), size::toString);
        assertTrue(size.err().contains("--size must be WxH"), size::toString);
        CliTestSupport.Result missing = CliTestSupport.run("build-engine", "vsr-small");
        assertEquals(FlashVsrCli.EXIT_USAGE, missing.code(), missing::toString);
        assertTrue(missing.err().contains("--size"), missing::toString);
    }

    @Test
    void engineSizesMustBeARangeAroundTheSize() {
        CliTestSupport.Result notARange = CliTestSupport.run("build-engine", "vsr-small", "--size", "64x48",
                "--engine-sizes", "64x48");
        assertEquals(FlashVsrCli.EXIT_USAGE, notARange.code(), notARange::toString);
        assertTrue(notARange.err().contains("--engine-sizes '64x48' is not a size range: write MINWxMINH-MAXWxMAXH"),
                notARange::toString);
        CliTestSupport.Result outside = CliTestSupport.run("build-engine", "vsr-small", "--size", "64x48",
                "--engine-sizes", "128x96-256x192");
        assertEquals(FlashVsrCli.EXIT_USAGE, outside.code(), outside::toString);
        assertTrue(outside.err().contains("--engine-sizes 128x96-256x192 does not contain --size 64x48"),
                outside::toString);
    }
}
