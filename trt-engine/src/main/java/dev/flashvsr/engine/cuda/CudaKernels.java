package dev.flashvsr.engine.cuda;

import java.util.List;

/**
 * The CUDA kernels the Java side launches, as their PTX defines them: the one place that says
 * which module (PTX resource) holds which entry point and the parameter list a launch must pass.
 * The PTX is built from {@code trt-engine/src/main/cuda/NAME.cu} into the jar as
 * {@code dev/flashvsr/engine/cuda/NAME.ptx}; the build skips it where clang++-16 is missing.
 */
public final class CudaKernels {
    /** The class-path folder of the PTX resources. */
    public static final String RESOURCE_FOLDER = "dev/flashvsr/engine/cuda/";
    /** The PTX ISA version the build's clang 16 writes; drivers of CUDA 11.8 (R520) and later load it. */
    public static final String PTX_ISA_VERSION = "7.8";
    /** The virtual architecture compiled for: the driver JIT-compiles it for Xavier and every later GPU. */
    public static final String PTX_TARGET = "sm_72";

    /** A kernel parameter as the PTX declares it. */
    public enum Param {
        /** A device pointer ({@code .u64}). */
        POINTER("u64"),
        /** A 32-bit {@code int} ({@code .u32}: PTX declares C ints unsigned; only the bits matter). */
        INT("u32"),
        /** A {@code float} ({@code .f32}). */
        FLOAT("f32");

        private final String ptxType;

        Param(String ptxType) {
            this.ptxType = ptxType;
        }

        /** The PTX parameter type, without its dot: {@code u64}, {@code u32}, {@code f32}. */
        public String ptxType() {
            return ptxType;
        }
    }

    /**
     * An {@code extern "C" __global__} function of {@code module}.cu.
     *
     * @param module the source and PTX file name without extension
     * @param name the entry point's name (unmangled)
     * @param params the parameters in order
     */
    public record Kernel(String module, String name, List<Param> params) {
        public Kernel {
            params = List.copyOf(params);
        }

        /** The class-path resource of the module's PTX. */
        public String ptxResource() {
            return RESOURCE_FOLDER + module + ".ptx";
        }
    }

    private static final Param P = Param.POINTER;
    private static final Param I = Param.INT;
    private static final Param F = Param.FLOAT;

    /**
     * NV12 and I420 to planar R'G'B' (color_to_planar.cu): luma, lumaStride, cb, cr, chromaStride,
     * chromaPixelStride, width, height, yOffset, yScale, cScale, rCr, gCb, gCr, bCb, bilinear, dst,
     * dstHalf, dstRowStride, dstPlaneStride.
     */
    public static final Kernel YUV420_TO_PLANAR = new Kernel("color_to_planar", "yuv420_to_planar",
            List.of(P, I, P, P, I, I, I, I, F, F, F, F, F, F, F, I, P, I, I, I));

    /**
     * Packed RGB family to planar R'G'B' (color_to_planar.cu): src, srcStride, pixelBytes, redIndex,
     * width, height, dst, dstHalf, dstRowStride, dstPlaneStride.
     */
    public static final Kernel PACKED_RGB_TO_PLANAR = new Kernel("color_to_planar", "packed_rgb_to_planar",
            List.of(P, I, I, I, I, I, P, I, I, I));

    /**
     * Planar R'G'B' to NV12 and I420 (planar_to_color.cu): src, srcHalf, srcRowStride,
     * srcPlaneStride, width, height, yR, yG, yB, yOff, cbR, cbG, cbB, crR, crG, crB, luma,
     * lumaStride, cb, cr, chromaStride, chromaPixelStride.
     */
    public static final Kernel PLANAR_TO_YUV420 = new Kernel("planar_to_color", "planar_to_yuv420",
            List.of(P, I, I, I, I, I, F, F, F, F, F, F, F, F, F, F, P, I, P, P, I, I));

    /**
     * Planar R'G'B' to the packed RGB family (planar_to_color.cu): src, srcHalf, srcRowStride,
     * srcPlaneStride, width, height, dst, dstStride, pixelBytes, redIndex.
     */
    public static final Kernel PLANAR_TO_PACKED_RGB = new Kernel("planar_to_color", "planar_to_packed_rgb",
            List.of(P, I, I, I, I, I, P, I, I, I));

    /**
     * Integer-factor bicubic upscale of planar images, FloatBicubic's (bicubic.cu): src, srcHalf,
     * srcRowStride, srcPlaneStride, srcWidth, srcHeight, channels, scale, dst, dstHalf, dstRowStride,
     * dstPlaneStride.
     */
    public static final Kernel BICUBIC_PLANAR = new Kernel("bicubic", "bicubic_planar",
            List.of(P, I, I, I, I, I, I, I, P, I, I, I));

    /**
     * Pads planar images right and down by repeating the edge, mapping each value {@code v * mul + add}
     * (planar_geometry.cu): src, srcHalf, srcRowStride, srcPlaneStride, srcWidth, srcHeight, dst,
     * dstHalf, dstRowStride, dstPlaneStride, dstWidth, dstHeight, channels, mul, add.
     */
    public static final Kernel PAD_PLANAR = new Kernel("planar_geometry", "pad_planar",
            List.of(P, I, I, I, I, I, P, I, I, I, I, I, I, F, F));

    /**
     * Crops a region of planar images, mapping each value {@code (v + add) * mul} (planar_geometry.cu):
     * src, srcHalf, srcRowStride, srcPlaneStride, x0, y0, dst, dstHalf, dstRowStride, dstPlaneStride,
     * width, height, channels, add, mul.
     */
    public static final Kernel CROP_PLANAR = new Kernel("planar_geometry", "crop_planar",
            List.of(P, I, I, I, I, I, P, I, I, I, I, I, I, F, F));

    /**
     * ADAIN colour fix, pass 1 and 3 (color_fix.cu): per (row, channel) the double sum of a tight
     * planar float frame's row, or of its squared deviations from {@code means}: src, width, height,
     * channels, centered, means, rowSums.
     */
    public static final Kernel ADAIN_ROW_SUMS = new Kernel("color_fix", "adain_row_sums", List.of(P, I, I, I, I, P, P));

    /**
     * ADAIN colour fix, pass 2 and 4 (color_fix.cu): per channel the mean (stage 0) or the std
     * (stage 1) from the row sums: rowSums, height, channels, plane, stage, stats.
     */
    public static final Kernel ADAIN_CHANNEL_STATS = new Kernel("color_fix", "adain_channel_stats",
            List.of(P, I, I, I, I, P));

    /** ADAIN colour fix, element-wise with clamp (color_fix.cu): x, statsX, statsRef, out, width, height, channels. */
    public static final Kernel ADAIN_APPLY = new Kernel("color_fix", "adain_apply", List.of(P, P, P, P, I, I, I));

    /**
     * One [1,2,1]/4 pass of the wavelet colour fix's blur, clamped indices (color_fix.cu): src, dst,
     * width, height, channels, dilation, vertical.
     */
    public static final Kernel BLUR_AXIS = new Kernel("color_fix", "blur_axis", List.of(P, P, I, I, I, I, I));

    /** Wavelet colour fix, {@code clamp((x - lowX) + lowRef)} (color_fix.cu): x, lowX, lowRef, out, count. */
    public static final Kernel WAVELET_COMBINE = new Kernel("color_fix", "wavelet_combine", List.of(P, P, P, P, I));

    /** Clamps to [-1, 1] where no colour fix runs (color_fix.cu): x, out, count. */
    public static final Kernel CLAMP_UNIT_RANGE = new Kernel("color_fix", "clamp_unit_range", List.of(P, P, I));

    /**
     * FlashVSR's one step x0 = noise - v, reordered from the DiT's [C, T, h, w] to the decoder's
     * [T, C, h, w] (flashvsr_latents.cu): noise, prediction, predictionHalf, latents, latentsHalf,
     * channels, frames, plane.
     */
    public static final Kernel ONE_STEP_LATENTS = new Kernel("flashvsr_latents", "one_step_latents",
            List.of(P, P, I, P, I, I, I, I));

    /**
     * FlashVSR's RoPE rebase of cached keys in place, KeyCacheRebase's rotation (flashvsr_latents.cu):
     * keys, keysHalf, vectors, headDim, pairs, table (cos, sin per pair as doubles).
     */
    public static final Kernel ROPE_REBASE_KEYS = new Kernel("flashvsr_latents", "rope_rebase_keys",
            List.of(P, I, I, I, I, P));

    /** Every kernel above. */
    public static final List<Kernel> ALL = List.of(YUV420_TO_PLANAR, PACKED_RGB_TO_PLANAR, PLANAR_TO_YUV420,
            PLANAR_TO_PACKED_RGB, BICUBIC_PLANAR, PAD_PLANAR, CROP_PLANAR, ADAIN_ROW_SUMS, ADAIN_CHANNEL_STATS,
            ADAIN_APPLY, BLUR_AXIS, WAVELET_COMBINE, CLAMP_UNIT_RANGE, ONE_STEP_LATENTS, ROPE_REBASE_KEYS);

    private CudaKernels() {
    }
}
