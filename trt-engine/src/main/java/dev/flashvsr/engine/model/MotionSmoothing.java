package dev.flashvsr.engine.model;

/**
 * Motion-compensated temporal smoothing of an upscaler's output: each output's luma is blended
 * with the previous output's luma, moved along the motion measured between the two low-res
 * frames, where that motion is slow and measured well. It is a fixed filter, not trained.
 *
 * <p>Why: a single-frame estimate of fine detail changes from frame to frame with the input's
 * noise (x264's coding noise above all), which shows as flicker; averaging over frames removes
 * it, but a blend with the previous output as it stands lags behind moving content and blurs it.
 * Moved into place first, the previous output adds what it saw of the same content instead.
 * Only luma is smoothed: flicker is seen in luma, and one channel costs a third of three in the
 * warp, the graph's most expensive step on the CPU.
 *
 * <p>Flow and error are on luma in 8-bit levels ({@code L = 255 (0.299 R + 0.587 G + 0.114 B)})
 * of the current and previous low-res frames; {@code mean_k} is the mean over each pixel's
 * k x k neighbourhood (pixels outside the frame left out), image edges are repeated:
 * <pre>
 *   A = (L_cur + L_prev) / 2,  Ix, Iy = central differences of A,  It = L_cur - L_prev
 *   S.. = mean_{flowWindow} of Ix Ix, Ix Iy, Iy Iy, Ix It, Iy It          // Lucas-Kanade
 *   det = Sxx Syy - Sxy^2 + flowRegularizer
 *   v   = clamp(((Sxy Syt - Syy Sxt) / det, (Sxy Sxt - Sxx Syt) / det), -maxFlow, maxFlow)  // low-res pixels
 *   err = mean_3 |L_cur - warp(L_prev, v)|           // what is left after moving the previous frame
 *   gate = maxBlend * exp(-(err / errorLevels)^2 - |v|^2 / speedScale^2) * flag
 *   Y      = 0.299 R + 0.587 G + 0.114 B of the network's output (estimate), per output pixel
 *   change = up(gate) * (warp(previous_Y, scale * up(v)) - Y)
 *   output = estimate + change (the same on R, G and B: luma moves by change, chroma stays)
 * </pre>
 * where {@code warp(X, d)(x) = X(x - d)} samples bilinearly (edges repeated) and {@code up}
 * repeats each low-res value over its {@code scale x scale} output pixels. The state
 * ({@link #INPUT_STATE}, [N, scale^2 + 1, H, W], zeros at stream start) holds the output's luma
 * {@code Y + change} in SpaceToDepth order and a flag, 1 once a frame has been output, so that
 * the first frame of a stream, and the first after a reset, is the estimate itself.
 *
 * <p>The gate shuts where the moved previous frame does not match (scene cuts, occlusions,
 * motion the flow gets wrong) and where the motion is fast (the flow's error grows with it).
 * The form and the range of the parameters were found on clips made from the training photos
 * (slow and fast pans, clean and through x264 at 100 and 300 kbit/s); the last choice, between
 * blends of 0.5, 0.6 and 0.7, also looked at {@code flashvsr eval}'s validation numbers (see the
 * model's TRAINING.md).
 */
public record MotionSmoothing(float maxBlend, float errorLevels, int flowWindow, float flowRegularizer,
                              float speedScale, float maxFlow) {
    /** The parameters {@code flashvsr build-model --motion-smoothing} uses. */
    public static final MotionSmoothing DEFAULT = new MotionSmoothing(0.6f, 10f, 17, 1f, 0.5f, 1f);

    public static final String INPUT_STATE = "smoothed";
    public static final String OUTPUT_STATE = "smoothed_out";
    /** Side of the neighbourhood the matching error is averaged over. */
    public static final int ERROR_WINDOW = 3;

    public MotionSmoothing {
        if (!(maxBlend >= 0 && maxBlend < 1)) {
            throw new IllegalArgumentException("maxBlend must be in [0, 1), got " + maxBlend);
        }
        if (!(errorLevels > 0 && flowRegularizer > 0 && speedScale > 0 && maxFlow > 0)) {
            throw new IllegalArgumentException("errorLevels, flowRegularizer, speedScale and maxFlow must be positive");
        }
        if (flowWindow < 3 || flowWindow % 2 == 0) {
            throw new IllegalArgumentException("flowWindow must be odd and at least 3, got " + flowWindow);
        }
    }

    /** Channels of the state: the output's luma in SpaceToDepth order and the flag. */
    public static int stateChannels(int scale) {
        return scale * scale + 1;
    }

    /**
     * How many low-res pixels away the smoothing reads: the flow's window and central
     * difference, the warp's reach (the largest flow plus one for bilinear sampling) and the
     * error's window.
     */
    public int receptiveRadius() {
        int flow = flowWindow / 2 + 1;
        int warp = (int) Math.ceil(maxFlow) + 1;
        return ERROR_WINDOW / 2 + Math.max(flow, warp);
    }
}
