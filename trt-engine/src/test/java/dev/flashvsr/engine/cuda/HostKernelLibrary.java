package dev.flashvsr.engine.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the CUDA kernel sources as a host shared library with g++ (through {@code host_shim.h},
 * which runs each grid as loops) and loads it with JNA, so the kernels are tested on machines
 * without a GPU. Built per test run into a temporary folder: nothing is checked in or cached.
 */
final class HostKernelLibrary {
    /** The kernel sources, relative to the module folder (Maven runs tests from there). */
    static final Path KERNEL_SOURCES = Path.of("src", "main", "cuda");
    static final Path HOST_ENTRY_POINTS = Path.of("src", "test", "cuda", "color_to_planar_host.cpp");

    /** The extern "C" entry points of color_to_planar_host.cpp: each launches one kernel over the whole frame. */
    interface ColorKernels extends Library {
        void host_yuv420_to_planar(Pointer luma, int lumaStride, Pointer cb, Pointer cr, int chromaStride,
                int chromaPixelStride, int width, int height, float yOffset, float yScale, float cScale, float rCr,
                float gCb, float gCr, float bCb, int bilinear, Pointer dst, int dstHalf, int dstRowStride,
                int dstPlaneStride);

        void host_packed_rgb_to_planar(Pointer src, int srcStride, int pixelBytes, int redIndex, int width,
                int height, Pointer dst, int dstHalf, int dstRowStride, int dstPlaneStride);

        /** The kernels' float to binary16 rounding (bits). */
        short host_half_rn(float v);
    }

    private HostKernelLibrary() {
    }

    /** Compiles the colour kernels with {@code compiler} into {@code folder} and loads them. */
    static ColorKernels buildColorKernels(String compiler, Path folder) throws IOException, InterruptedException {
        Path library = folder.resolve("libflashvsr-color-host.so");
        Path log = folder.resolve("compiler.log");
        // -ffp-contract=off: no fused multiply-add, so float results round as Java's do
        List<String> command = List.of(compiler, "-O2", "-shared", "-fPIC", "-ffp-contract=off", "-Wall", "-Werror",
                "-I", KERNEL_SOURCES.toAbsolutePath().toString(), "-o", library.toString(),
                HOST_ENTRY_POINTS.toAbsolutePath().toString());
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + compiler + " to build the CUDA kernels for the host"
                    + " tests (" + e.getMessage() + "); install it with scripts/install-deps.sh", e);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(compiler + " did not finish building the host kernel library in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code "
                    + process.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        return Native.load(library.toString(), ColorKernels.class);
    }
}
