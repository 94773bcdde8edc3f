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
 *
 * <p>With {@code temporalGate}, the last convolution has {@code scale*scale} more output
 * channels, a gate per output pixel, and one more input channel, the change since the previous
 * frame (so that the gate can close where the picture moves or cuts to another scene):
 * <pre>
 *   change = |box3x3(luma(current) - luma(previous))|    // BT.601 weights, in 8-bit levels (x 255)
 *   y      = conv_{layers-1}(concat(x, change))
 * </pre>
 * where box3x3 is the mean over each pixel's 3x3 neighbourhood (zeros outside the frame): motion
 * and cuts change neighbouring pixels the same way and survive it, while coding noise, which
 * changes them at random, is averaged down, so the gate can tell the two apart. A second state
 * ({@code residual}, [1, 3*scale*scale + 1, H, W], zeros at stream start) carries the previous
 * output's difference from its bicubic base (in DepthToSpace CRD order) and, in its last
 * channel, a flag that is 1 once a frame has been output. The output becomes a blend of the new
 * estimate and the previous output:
 * <pre>
 *   gate       = sigmoid(DepthToSpace(y[:, 3*scale*scale + hiddenChannels :], scale)) * flag   // [1, 1, sH, sW]
 *   previous_output = bicubic(previous, scale) + DepthToSpace(residual[:, : 3*scale*scale], scale)
 *   output     = gate * previous_output + (1 - gate) * (bicubic(current, scale) + residual_new)
 *   residual_out = concat(SpaceToDepth(output - bicubic(current, scale)), 1)                  // CRD order
 * </pre>
 * where residual_new is the {@code residual} above. Where the picture holds still, an open gate
 * averages the detail over frames, so compression noise that changes from frame to frame is not
 * sharpened into flicker; where it moves, the gate should fall to 0 and the output be the
 * single-frame estimate. The flag makes the first frame of a stream (and the first after a
 * reset) exactly the ungated network's output.
 */
public record RecurrentSrArchitecture(int scale, int features, int layers, int hiddenChannels,
                                      boolean temporalGate) {

    public static final String INPUT_CURRENT = "current";
    public static final String INPUT_PREVIOUS = "previous";
    public static final String INPUT_HIDDEN = "hidden";
    public static final String OUTPUT_IMAGE = "output";
    public static final String OUTPUT_HIDDEN = "hidden_out";
    public static final String INPUT_RESIDUAL = "residual";
    public static final String OUTPUT_RESIDUAL = "residual_out";
    /** Side of the neighbourhood the gate's change channel is averaged over. */
    public static final int CHANGE_BOX = 3;

    public RecurrentSrArchitecture {
        if (scale != 2 && scale != 4) {
            throw new IllegalArgumentException("scale must be 2 or 4, got " + scale);
        }
        if (features < 1 || layers < 2 || hiddenChannels < 0) {
            throw new IllegalArgumentException("need features >= 1, layers >= 2, hiddenChannels >= 0");
        }
    }

    /** The architecture without a temporal gate. */
    public RecurrentSrArchitecture(int scale, int features, int layers, int hiddenChannels) {
        this(scale, features, layers, hiddenChannels, false);
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

    /** Residual channels of the last convolution (and of the {@code residual} state). */
    public int residualChannels() {
        return 3 * scale * scale;
    }

    /** Channels of the {@code residual} state: the residual channels and the flag, or none. */
    public int residualStateChannels() {
        return temporalGate ? residualChannels() + 1 : 0;
    }

    /** Gate channels of the last convolution: one per output pixel, or none. */
    public int gateChannels() {
        return temporalGate ? scale * scale : 0;
    }

    /** Extra input channels of the last convolution: the gate's change channel, or none. */
    public int changeChannels() {
        return temporalGate ? 1 : 0;
    }

    /** Index of the first gate channel of the last convolution (after the residual and hidden ones). */
    public int firstGateChannel() {
        return residualChannels() + hiddenChannels;
    }

    public int outputChannels() {
        return residualChannels() + hiddenChannels + gateChannels();
    }

    /** Input channels of convolution {@code layer}. */
    public int convIn(int layer) {
        if (layer == 0) {
            return inputChannels();
        }
        return layer == layers - 1 ? features + changeChannels() : features;
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
