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
    static final Path PLANAR_HOST_ENTRY_POINTS = Path.of("src", "test", "cuda", "planar_to_color_host.cpp");
    static final Path BICUBIC_HOST_ENTRY_POINTS = Path.of("src", "test", "cuda", "bicubic_host.cpp");
    static final Path GEOMETRY_HOST_ENTRY_POINTS = Path.of("src", "test", "cuda", "planar_geometry_host.cpp");

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

    /** The extern "C" entry points of planar_to_color_host.cpp: each launches one kernel over the whole frame. */
    interface PlanarKernels extends Library {
        void host_planar_to_yuv420(Pointer src, int srcHalf, int srcRowStride, int srcPlaneStride, int width,
                int height, float yR, float yG, float yB, float yOff, float cbR, float cbG, float cbB, float crR,
                float crG, float crB, Pointer luma, int lumaStride, Pointer cb, Pointer cr, int chromaStride,
                int chromaPixelStride);

        void host_planar_to_packed_rgb(Pointer src, int srcHalf, int srcRowStride, int srcPlaneStride, int width,
                int height, Pointer dst, int dstStride, int pixelBytes, int redIndex);

        /** The kernels' binary16 to float widening. */
        float host_half_to_float(short h);
    }

    /** The extern "C" entry point of bicubic_host.cpp: launches the kernel over the whole output. */
    interface BicubicKernels extends Library {
        void host_bicubic_planar(Pointer src, int srcHalf, int srcRowStride, int srcPlaneStride, int srcWidth,
                int srcHeight, int channels, int scale, Pointer dst, int dstHalf, int dstRowStride, int dstPlaneStride);
    }

    /** The extern "C" entry points of planar_geometry_host.cpp: each launches one kernel over its whole output. */
    interface GeometryKernels extends Library {
        void host_pad_planar(Pointer src, int srcHalf, int srcRowStride, int srcPlaneStride, int srcWidth,
                int srcHeight, Pointer dst, int dstHalf, int dstRowStride, int dstPlaneStride, int dstWidth,
                int dstHeight, int channels, float mul, float add);

        void host_crop_planar(Pointer src, int srcHalf, int srcRowStride, int srcPlaneStride, int x0, int y0,
                Pointer dst, int dstHalf, int dstRowStride, int dstPlaneStride, int width, int height, int channels,
                float add, float mul);
    }

    private HostKernelLibrary() {
    }

    /** Compiles the colour kernels with {@code compiler} into {@code folder} and loads them. */
    static ColorKernels buildColorKernels(String compiler, Path folder) throws IOException, InterruptedException {
        return build(compiler, folder, HOST_ENTRY_POINTS, "libflashvsr-color-host.so", ColorKernels.class);
    }

    /** Compiles the planar-to-colour kernels with {@code compiler} into {@code folder} and loads them. */
    static PlanarKernels buildPlanarKernels(String compiler, Path folder) throws IOException, InterruptedException {
        return build(compiler, folder, PLANAR_HOST_ENTRY_POINTS, "libflashvsr-planar-host.so", PlanarKernels.class);
    }

    /** Compiles the bicubic kernel with {@code compiler} into {@code folder} and loads it. */
    static BicubicKernels buildBicubicKernels(String compiler, Path folder) throws IOException, InterruptedException {
        return build(compiler, folder, BICUBIC_HOST_ENTRY_POINTS, "libflashvsr-bicubic-host.so", BicubicKernels.class);
    }

    /** Compiles the padding and cropping kernels with {@code compiler} into {@code folder} and loads them. */
    static GeometryKernels buildGeometryKernels(String compiler, Path folder) throws IOException, InterruptedException {
        return build(compiler, folder, GEOMETRY_HOST_ENTRY_POINTS, "libflashvsr-geometry-host.so",
                GeometryKernels.class);
    }

    private static <T extends Library> T build(String compiler, Path folder, Path entryPoints, String libraryName,
            Class<T> kernels) throws IOException, InterruptedException {
        Path library = folder.resolve(libraryName);
        Path log = folder.resolve(libraryName + ".log");
        // -ffp-contract=off: no fused multiply-add, so float results round as Java's do.
        // -Bsymbolic: several of these libraries define the same extern "C" kernels and JNA loads them
        // RTLD_GLOBAL; without it one library's launcher would call another's copy of the kernel, which
        // reads that library's (static) threadIdx and so writes nothing of this launch.
        List<String> command = List.of(compiler, "-O2", "-shared", "-fPIC", "-Wl,-Bsymbolic", "-ffp-contract=off",
                "-Wall", "-Werror",
                "-I", KERNEL_SOURCES.toAbsolutePath().toString(), "-o", library.toString(),
                entryPoints.toAbsolutePath().toString());
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
        return Native.load(library.toString(), kernels);
    }
}
