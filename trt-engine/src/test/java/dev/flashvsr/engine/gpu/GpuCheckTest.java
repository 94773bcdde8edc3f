package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.cuda.HostCuda;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GPU check's own logic, over CUDA emulated on the host: every check runs and passes on
 * correct kernels, and without a GPU it says why and exits with 2. (Timings are left out: host
 * loops say nothing about a GPU.)
 */
class GpuCheckTest {

    private static String run(CudaRuntime.Availability cuda, GpuCheck.Settings settings, int expectedStatus) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = new GpuCheck(cuda, settings, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, out);
        return out;
    }

    @Test
    void everyCheckPassesOnTheHostEmulatedGpu() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        String out = run(cuda.availability(), new GpuCheck.Settings(0, 300, false, 24, 16), 0);
        List<String> lines = out.lines().toList();
        for (String check : List.of("runtime", "color-to-planar", "planar-to-color", "bicubic", "pad-crop",
                "cuda-sessions", "memory-300-frames")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("gpu-check: " + check + ": PASS")), check + " in\n"
                    + out);
        }
        assertTrue(out.contains("gpu-check: 7 of 7 checks passed"), out);
        assertEquals("", cuda.live(), "the check frees what it allocated");
    }

    @Test
    void withoutAGpuItSaysWhyAndExitsWithTwo() {
        String out = run(new CudaRuntime.Availability(null, 0, List.of(), "no NVIDIA driver: libcuda.so.1 not found"),
                GpuCheck.Settings.DEFAULT, 2);
        assertEquals("gpu-check: runtime: FAIL no NVIDIA driver: libcuda.so.1 not found", out.strip());
    }

    @Test
    void aDeviceIdPastTheGpusExitsWithTwo() throws Exception {
        String out = run(HostCuda.oneGpu().availability(), new GpuCheck.Settings(4, 10, false, 8, 8), 2);
        assertTrue(out.contains("no GPU 4 among 1 GPU(s)"), out);
    }
}
