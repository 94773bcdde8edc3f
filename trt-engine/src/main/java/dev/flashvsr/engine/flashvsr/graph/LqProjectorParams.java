package dev.flashvsr.engine.flashvsr.graph;

import java.util.List;

/**
 * The LQ projector's dimensions that its weight shapes do not give (config.json {@code lq_proj}):
 * input channels, PixelShuffle3d factors (frames, rows, columns), and the kernel, stride and
 * padding of both causal 3-D convolutions, each as (time, height, width). Upstream pads a
 * causal convolution by {@code 2 * padding.time} frames in front (its cache length) and by
 * {@code padding.height}/{@code padding.width} on both spatial sides, replicating edge values.
 */
public record LqProjectorParams(int inDim, List<Integer> pixelShuffle, List<Integer> kernel, List<Integer> stride,
        List<Integer> padding) {

    /** The values hard-wired in upstream's Causal_LQ4x_Proj and Buffer_LQ4x_Proj. */
    public static final LqProjectorParams UPSTREAM = new LqProjectorParams(3, List.of(1, 16, 16), List.of(4, 3, 3),
            List.of(2, 1, 1), List.of(1, 1, 1));

    public LqProjectorParams {
        if (inDim <= 0) {
            throw new IllegalArgumentException("LQ projector in_dim must be positive, got " + inDim);
        }
        pixelShuffle = checked("pixel_shuffle_f_h_w", pixelShuffle, 1);
        kernel = checked("conv_kernel", kernel, 1);
        stride = checked("conv_stride", stride, 1);
        padding = checked("conv_padding", padding, 0);
    }

    private static List<Integer> checked(String what, List<Integer> values, int min) {
        if (values == null || values.size() != 3 || values.stream().anyMatch(v -> v == null || v < min)) {
            throw new IllegalArgumentException("LQ projector " + what + " must be 3 integers >= " + min
                    + " (time, height, width), got " + values);
        }
        return List.copyOf(values);
    }

    /** Channels after the pixel shuffle (768 upstream): conv1's input channels. */
    public int shuffledChannels() {
        return inDim * pixelShuffle.get(0) * pixelShuffle.get(1) * pixelShuffle.get(2);
    }

    /** Frames each causal convolution keeps from the previous call (2 upstream). */
    public int cacheFrames() {
        return 2 * padding.get(0);
    }

    /** Low-resolution frames per step: those that make one latent frame (4 upstream). */
    public int framesPerCall() {
        return pixelShuffle.get(0) * stride.get(0) * stride.get(0);
    }
}
