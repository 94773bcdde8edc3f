package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.EngineException;
import org.junit.jupiter.api.Test;

class CudaExceptionTest {
    @Test
    void aFailedCallCarriesItsCuresultAndARemedy() {
        CudaException e = CudaException.ofCall("cuMemAlloc", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");
        assertTrue(e instanceof EngineException);
        assertEquals("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", e.getMessage());
        assertEquals(2, e.code());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.codeName());
        assertTrue(e.remedy().contains("close other programs using the GPU"), e.remedy());
        assertTrue(e.describe().startsWith(e.getMessage() + ". "), e.describe());
    }

    @Test
    void ptxFailuresPointAtTheDriverVersion() {
        CudaException e = CudaException.ofCall("cuModuleLoadDataEx", 222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "");
        assertEquals("cuModuleLoadDataEx failed: CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222)", e.getMessage());
        assertTrue(e.remedy().contains("PTX ISA 7.8") && e.remedy().contains("R520"), e.remedy());
    }

    @Test
    void anUnexpectedCodeStillNamesItself() {
        CudaException e = CudaException.ofCall("cuLaunchKernel", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "illegal address");
        assertTrue(e.remedy().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), e.remedy());
    }
}
