package dev.flashvsr.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated host launchers: one per kernel of CudaKernels.ALL, with the kernel's parameters in order. */
class GeneratedHostKernelsTest {
    static List<CudaKernels.Kernel> kernels() {
        return CudaKernels.ALL;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void everyKernelHasAHostLauncher(CudaKernels.Kernel kernel) {
        assertNotNull(GeneratedHostKernels.launcher(kernel));
    }

    @Test
    void aLauncherTakesTheGridThenTheKernelsParametersAsDriverTypes() {
        CudaKernels.Kernel kernel = new CudaKernels.Kernel("some_module", "some_kernel",
                List.of(CudaKernels.Param.POINTER, CudaKernels.Param.INT, CudaKernels.Param.FLOAT));
        String cpp = GeneratedHostKernels.source("some_module", List.of(kernel));
        assertTrue(cpp.contains("#include \"some_module.cu\""), cpp);
        assertTrue(cpp.contains("extern \"C\" void launch_some_kernel(unsigned gx, unsigned gy, unsigned gz,"
                + " unsigned bx, unsigned by, unsigned bz, unsigned long long a0, int a1, float a2) {"), cpp);
        assertTrue(cpp.contains("launch_cast(dim3(gx, gy, gz), dim3(bx, by, bz), some_kernel, a0, a1, a2);"), cpp);
    }
}
