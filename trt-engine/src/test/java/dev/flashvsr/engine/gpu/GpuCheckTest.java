package dev.flashvsr.engine.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.engine.cuda.CudaRuntime;
import dev.flashvsr.engine.cuda.HostCuda;
import dev.flashvsr.engine.flashvsr.GoldenData;
import dev.flashvsr.engine.tensorrt.runtime.OrtTrtRuntime;
import dev.flashvsr.engine.tensorrt.runtime.TrtRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
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

    private static final TrtRuntimes.Availability NO_TENSORRT = new TrtRuntimes.Availability(null,
            "TensorRT's libnvinfer.so.10 could not be loaded");

    @TempDir
    Path engines;

    private GpuCheck.TrtSettings tiny() {
        return new GpuCheck.TrtSettings(24, 16, 3, List.<int[]>of(new int[] {48, 32}), 4, engines,
                Optional.of(GoldenData.root()));
    }

    private String run(CudaRuntime.Availability cuda, GpuCheck.Settings settings, int expectedStatus) {
        return run(cuda, NO_TENSORRT, settings, expectedStatus);
    }

    private String run(CudaRuntime.Availability cuda, TrtRuntimes.Availability tensorRt, GpuCheck.Settings settings,
            int expectedStatus) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = new GpuCheck(cuda, tensorRt, settings, tiny(), new PrintStream(bytes, true,
                StandardCharsets.UTF_8)).run();
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
        assertTrue(out.contains("gpu-check: tensorrt: SKIP TensorRT's libnvinfer.so.10 could not be loaded"), out);
        assertEquals("", cuda.live(), "the check frees what it allocated");
    }

    /**
     * The TensorRT part over the emulated driver with TensorRT's part on ONNX Runtime: every model
     * and precision within its limit of the CPU, a throughput line per model and precision, the
     * long-stream memory check; engines kept in the given cache.
     */
    @Test
    void theTensorRtChecksRunOnTheEmulatedRuntime() throws Exception {
        HostCuda cuda = HostCuda.oneGpu();
        String out = run(cuda.availability(), new TrtRuntimes.Availability(new OrtTrtRuntime(), null),
                new GpuCheck.Settings(0, 40, false, 24, 16), 0);
        List<String> lines = out.lines().toList();
        List<String> expected = new ArrayList<>(List.of("tensorrt", "fps-bicubic-48x32", "tensorrt-memory-40-frames",
                "flashvsr-golden"));
        for (String model : List.of("vsr-small", "vsr-small-fast")) {
            for (String precision : List.of("fp16", "int8", "fp32")) {
                expected.add("tensorrt-" + model + "-" + precision);
                expected.add("fps-" + model + "-" + precision + "-48x32");
            }
        }
        for (String check : expected) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("gpu-check: " + check + ": PASS")), check + " in\n"
                    + out);
        }
        assertTrue(out.contains("gpu-check: 22 of 22 checks passed"), out);
        assertTrue(out.contains("max |diff| 0") || out.contains("max |diff| 1"), out);
        try (Stream<Path> files = Files.list(engines)) {
            assertEquals(6 + 5, files.filter(f -> f.toString().endsWith(".engine")).count(),
                    "2 models x 3 precisions at one size (the accuracy, throughput and memory checks share them), and FlashVSR's 5\n" + out);
        }
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
