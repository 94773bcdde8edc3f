package dev.flashvsr.engine.model;

/**
 * The default streaming network: a small recurrent residual CNN that runs at low resolution.
 *
 * <p>Inputs (NCHW float32, RGB in [0, 1]): {@code current} and {@code previous} low-res frames
 * [1, 3, H, W] and the {@code hidden} state [1, hiddenChannels, H, W] (zeros at stream start;
 * {@code previous} = {@code current} for the first frame). Forward pass:
 * <pre>
 *   x = concat(current, previous, hidden)                    // 6 + hiddenChannels channels
 *   for i in 0 .. layers-2:  x = relu(conv_i(x))             // 3x3, padding 1, features channels
 *   y = conv_{layers-1}(x)                                   // 3*scale*scale + hiddenChannels channels
 *   residual   = DepthToSpace(y[:, 0 : 3*scale*scale], scale, mode CRD)   // PyTorch pixel_shuffle order
 *   hidden_out = tanh(y[:, 3*scale*scale :])
 *   output     = bicubic(current, scale) + residual           // Keys a = -0.5, half-pixel centres, edges clamped
 * </pre>
 * Outputs: {@code output} [1, 3, scale*H, scale*W] (not clamped) and {@code hidden_out}.
 * Weights: {@code conv<i>.weight} [out, in, 3, 3] and {@code conv<i>.bias} [out].
 */
public record RecurrentSrArchitecture(int scale, int features, int layers, int hiddenChannels) {

    public static final String INPUT_CURRENT = "current";
    public static final String INPUT_PREVIOUS = "previous";
    public static final String INPUT_HIDDEN = "hidden";
    public static final String OUTPUT_IMAGE = "output";
    public static final String OUTPUT_HIDDEN = "hidden_out";

    public RecurrentSrArchitecture {
        if (scale != 2 && scale != 4) {
            throw new IllegalArgumentException("scale must be 2 or 4, got " + scale);
        }
        if (features < 1 || layers < 2 || hiddenChannels < 0) {
            throw new IllegalArgumentException("need features >= 1, layers >= 2, hiddenChannels >= 0");
        }
    }

    /**
     * How many low-res pixels away an output (image or state) pixel can see: one per 3x3
     * convolution, and at least the bicubic base's 2.
     */
    public int receptiveRadius() {
        return Math.max(layers, 2);
    }

    public int inputChannels() {
        return 6 + hiddenChannels;
    }

    public int outputChannels() {
        return 3 * scale * scale + hiddenChannels;
    }

    /** Input channels of convolution {@code layer}. */
    public int convIn(int layer) {
        return layer == 0 ? inputChannels() : features;
    }

    /** Output channels of convolution {@code layer}. */
    public int convOut(int layer) {
        return layer == layers - 1 ? outputChannels() : features;
    }

    public static String weightName(int layer) {
        return "conv" + layer + ".weight";
    }

    public static String biasName(int layer) {
        return "conv" + layer + ".bias";
    }
}
