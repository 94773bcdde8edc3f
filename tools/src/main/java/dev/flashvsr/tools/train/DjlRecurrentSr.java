package dev.flashvsr.tools.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.model.Luma;
import dev.flashvsr.engine.model.RecurrentSrArchitecture;
import dev.flashvsr.engine.weights.FloatTensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@link RecurrentSrArchitecture} network in DJL (PyTorch engine, CPU), used for training and
 * as the reference the ONNX graph is checked against.
 *
 * <pre>
 *   x = concat(current, previous, hidden)                 // channel axis
 *   x = relu(conv_i(x))  for i in 0 .. layers-2          // 3x3, padding 1, bias
 *   y = conv_{layers-1}(x)
 *   residual   = pixel_shuffle(y[:, :3*s*s], s)           // CRD: [N,3,s,s,H,W] -> [N,3,H,s,W,s] -> [N,3,sH,sW]
 *   hidden_out = tanh(y[:, 3*s*s:])
 *   output     = FloatBicubic.upscale(current) + residual  // the bicubic base is computed in Java
 * </pre>
 *
 * <p>DJL is used offline ({@code ai.djl.offline=true}): the native PyTorch libraries come from the
 * {@code pytorch-native-cpu} jar on the class path.
 */
public final class DjlRecurrentSr {

    /**
     * Output of one frame: {@code output} [3, scale*H, scale*W], {@code hiddenOut} [hidden, H, W]
     * and, with a temporal gate, {@code residualOut} [3*scale*scale + 1, H, W] (the detail, then
     * the flag plane; else empty), CHW.
     */
    public record Result(float[] output, float[] hiddenOut, float[] residualOut) {
    }

    /**
     * What the convolutions produce for a batch: the residual [N, 3, sH, sW], hidden_out
     * [N, hidden, H, W] (null without hidden channels) and the gate [N, 1, sH, sW] after its
     * sigmoid (null without a temporal gate).
     */
    public record Heads(NDArray residual, NDArray hidden, NDArray gate) {

        /**
         * The output's difference from its bicubic base, at high resolution: the residual, or
         * with a gate its blend with the previous output, {@code previousResidual + baseStep}
         * being that output minus the current bicubic base ({@code baseStep} = previous bicubic
         * base minus the current one). {@code flag} [N, 1, sH, sW] multiplies the gate (null: 1).
         */
        public NDArray blend(NDArray previousResidual, NDArray baseStep, NDArray flag) {
            if (gate == null) {
                return residual;
            }
            NDArray open = flag == null ? gate : gate.mul(flag);
            return residual.add(open.mul(previousResidual.add(baseStep).sub(residual)));
        }
    }

    /**
     * The PyTorch engine, started offline. {@code threads} > 0 sets PyTorch's intra-op thread
     * count; it only takes effect if the engine has not been started yet in this JVM.
     */
    public static synchronized Engine engine(int threads) {
        System.setProperty("ai.djl.offline", "true");
        capOneDnnIsa();
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * Convolution inputs are padded with zero channels to a multiple of this (they change no
     * value): with other channel counts (the first convolution's 10, the gated last one's 33)
     * oneDNN's convolutions gave wrong values at 48x48. See {@link #capOneDnnIsa()}.
     */
    static final int CHANNEL_MULTIPLE = 8;

    /** The instruction set oneDNN is limited to unless the environment already says otherwise. */
    public static final String ONEDNN_ISA = "AVX";

    private static boolean isaCapped;

    /**
     * Limits oneDNN (PyTorch's CPU convolutions) to AVX before PyTorch starts, unless
     * {@code DNNL_MAX_CPU_ISA} or {@code ONEDNN_MAX_CPU_ISA} is already set in the environment.
     *
     * <p>On the machine this was developed on (a virtualised AMD EPYC with AVX-512), PyTorch
     * 2.7.1's oneDNN convolutions with the AVX2 and AVX-512 kernels return wrong values or NaN,
     * nondeterministically: always for 10 input channels, sometimes for other shapes and in the
     * backward pass. With oneDNN limited to AVX (or SSE4.1) and the first layer's 10 input
     * channels padded to 16, forward passes agree with a plain-Java reference to 1e-6 and
     * training steps match the SSE4.1 ones; AVX is about twice as fast as SSE4.1 here. The
     * variable is set in this process's C environment (setenv through JNA) before the first
     * convolution; {@link Trainer} also checks the network against {@link JavaReference} before
     * it trains.
     */
    static void capOneDnnIsa() {
        if (isaCapped) {
            return;
        }
        isaCapped = true;
        boolean isaSet = System.getenv("DNNL_MAX_CPU_ISA") != null || System.getenv("ONEDNN_MAX_CPU_ISA") != null;
        try {
            CLib c = com.sun.jna.Native.load("c", CLib.class);
            if (!isaSet) {
                c.setenv("DNNL_MAX_CPU_ISA", ONEDNN_ISA, 0);
                c.setenv("ONEDNN_MAX_CPU_ISA", ONEDNN_ISA, 0);
            }
            // OpenMP threads that sleep instead of spinning between operations: on a small machine
            // shared with other work, spinning threads slowed training steps several-fold.
            c.setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        } catch (UnsatisfiedLinkError e) {
            System.err.println("flashvsr: could not set DNNL_MAX_CPU_ISA (" + e.getMessage()
                    + "); set DNNL_MAX_CPU_ISA=AVX in the environment");
        }
    }

    /** The C library's setenv. */
    interface CLib extends com.sun.jna.Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Runs one frame of the network on the CPU, inference only.
     *
     * @param arch     the architecture
     * @param weights  {@code conv<i>.weight} [out, in, 3, 3] and {@code conv<i>.bias} [out] for every layer
     * @param current  the current low-res frame, CHW [3, height, width], RGB in [0, 1]
     * @param previous the previous low-res frame, same layout; null means {@code current} (first frame)
     * @param hidden   the hidden state [hiddenChannels, height, width]; null means zeros (stream start)
     * @param residual the residual state [3*scale*scale + 1, height, width] of a gated
     *                 architecture; null means zeros (stream start: no blend)
     * @return output [3, scale*height, scale*width] (not clamped), hidden_out and residual_out
     */
    public static Result forward(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
                                 float[] current, float[] previous, float[] hidden, float[] residual,
                                 int height, int width) {
        int plane = height * width;
        requireLength("current", current, 3 * plane);
        if (previous != null) {
            requireLength("previous", previous, 3 * plane);
        }
        if (hidden != null) {
            requireLength("hidden", hidden, arch.hiddenChannels() * plane);
        }
        if (residual != null) {
            requireLength("residual", residual, arch.residualStateChannels() * plane);
        }
        int s = arch.scale();
        Engine engine = engine(0);
        try (NDManager manager = engine.newBaseManager()) {
            Parameters p = Parameters.fromTensors(arch, weights);
            NDArray[] w = new NDArray[arch.layers()];
            NDArray[] b = new NDArray[arch.layers()];
            p.toNDArrays(manager, w, b, false);
            NDArray cur = manager.create(current, new Shape(1, 3, height, width));
            NDArray prev = previous == null ? cur : manager.create(previous, new Shape(1, 3, height, width));
            NDArray hid = hidden == null
                    ? manager.zeros(new Shape(1, arch.hiddenChannels(), height, width))
                    : manager.create(hidden, new Shape(1, arch.hiddenChannels(), height, width));
            Heads heads = heads(arch, w, b, cur, prev, hid);
            float[] base = FloatBicubic.upscale(current, 3, height, width, s);
            NDArray effective = heads.residual();
            if (arch.temporalGate() && residual != null) {
                int rc = arch.residualChannels();
                float[] previousResidual = PixelShuffle.depthToSpace(Arrays.copyOf(residual, rc * plane), 3,
                        height, width, s);
                float[] previousBase = previous == null ? base
                        : FloatBicubic.upscale(previous, 3, height, width, s);
                float[] step = new float[base.length];
                for (int i = 0; i < step.length; i++) {
                    step[i] = previousBase[i] - base[i];
                }
                float[] flag = PixelShuffle.nearest(Arrays.copyOfRange(residual, rc * plane, (rc + 1) * plane),
                        height, width, s);
                Shape hr = new Shape(1, 3, (long) height * s, (long) width * s);
                effective = heads.blend(manager.create(previousResidual, hr), manager.create(step, hr),
                        manager.create(flag, new Shape(1, 1, (long) height * s, (long) width * s)));
            }
            float[] detail = effective.toFloatArray();
            for (int i = 0; i < base.length; i++) {
                base[i] += detail[i];
            }
            float[] hiddenOut = heads.hidden() == null ? new float[0] : heads.hidden().toFloatArray();
            return new Result(base, hiddenOut, residualState(arch, detail, height, width));
        }
    }

    /** The residual state after a frame: the detail in CRD order, then the flag plane of ones. */
    static float[] residualState(RecurrentSrArchitecture arch, float[] detail, int height, int width) {
        if (!arch.temporalGate()) {
            return new float[0];
        }
        int plane = height * width;
        float[] state = Arrays.copyOf(PixelShuffle.spaceToDepth(detail, 3, height, width, arch.scale()),
                arch.residualStateChannels() * plane);
        Arrays.fill(state, arch.residualChannels() * plane, state.length, 1f);
        return state;
    }

    private static void requireLength(String name, float[] a, int n) {
        if (a.length != n) {
            throw new IllegalArgumentException(name + " holds " + a.length + " values, expected " + n);
        }
    }

    /**
     * The convolutions on NDArrays: inputs [N, 3, H, W] (current, previous) and [N, hidden, H, W];
     * results live in the manager of {@code current}.
     */
    public static Heads heads(RecurrentSrArchitecture arch, NDArray[] weights, NDArray[] biases,
                                           NDArray current, NDArray previous, NDArray hidden) {
        int s = arch.scale();
        int rc = arch.residualChannels();
        NDList inputs = arch.hiddenChannels() == 0
                ? new NDList(current, previous)
                : new NDList(current, previous, hidden);
        NDArray x = NDArrays.concat(inputs, 1);
        Shape stride = new Shape(1, 1);
        Shape pad = new Shape(1, 1);
        for (int i = 0; i < arch.layers(); i++) {
            if (i == arch.layers() - 1 && arch.temporalGate()) {
                x = x.concat(change(current, previous), 1);
            }
            NDArray[] padded = padInputChannels(x, weights[i]);
            x = Conv2d.conv2d(padded[0], padded[1], biases[i], stride, pad).singletonOrThrow();
            if (i < arch.layers() - 1) {
                x = Activation.relu(x);
            }
        }
        NDArray residual = depthToSpace(x.get(":, 0:" + rc), s);
        int hc = arch.hiddenChannels();
        NDArray hiddenOut = hc == 0 ? null : x.get(":, " + rc + ":" + (rc + hc)).tanh();
        NDArray gate = arch.temporalGate() ? Activation.sigmoid(depthToSpace(x.get(":, " + arch.firstGateChannel() + ":"), s))
                : null;
        return new Heads(residual, hiddenOut, gate);
    }

    /**
     * A convolution's input and weights with zero channels added up to a multiple of {@link
     * #CHANNEL_MULTIPLE}; they change no value.
     */
    private static NDArray[] padInputChannels(NDArray x, NDArray weight) {
        Shape xs = x.getShape();
        long in = xs.get(1);
        long padded = (in + CHANNEL_MULTIPLE - 1) / CHANNEL_MULTIPLE * CHANNEL_MULTIPLE;
        if (padded == in) {
            return new NDArray[] {x, weight};
        }
        NDManager m = x.getManager();
        return new NDArray[] {x.concat(m.zeros(new Shape(xs.get(0), padded - in, xs.get(2), xs.get(3))), 1),
            weight.concat(m.zeros(new Shape(weight.getShape().get(0), padded - in, 3, 3)), 1)};
    }

    /**
     * The gate's change channel, |box3x3(luma(current) - luma(previous))| in 8-bit levels,
     * [N, 1, H, W], by shifted sums (not a convolution: see {@link #CHANNEL_MULTIPLE}).
     */
    static NDArray change(NDArray current, NDArray previous) {
        NDManager m = current.getManager();
        NDArray luma = m.create(Luma.LEVELS, new Shape(1, 3, 1, 1));
        NDArray d = current.sub(previous).mul(luma).sum(new int[] {1}, true);
        Shape s = d.getShape();
        long h = s.get(2);
        long w = s.get(3);
        int r = RecurrentSrArchitecture.CHANGE_BOX / 2;
        NDArray rows = m.zeros(new Shape(s.get(0), 1, r, w));
        NDArray padded = NDArrays.concat(new NDList(rows, d, rows), 2);
        NDArray cols = m.zeros(new Shape(s.get(0), 1, h + 2 * r, r));
        padded = NDArrays.concat(new NDList(cols, padded, cols), 3);
        NDArray sum = null;
        for (int dy = 0; dy <= 2 * r; dy++) {
            for (int dx = 0; dx <= 2 * r; dx++) {
                NDArray tap = padded.get(":, :, " + dy + ":" + (dy + h) + ", " + dx + ":" + (dx + w));
                sum = sum == null ? tap : sum.add(tap);
            }
        }
        int taps = RecurrentSrArchitecture.CHANGE_BOX * RecurrentSrArchitecture.CHANGE_BOX;
        return sum.div(taps).abs();
    }

    /** DepthToSpace in CRD order (PyTorch's pixel_shuffle): [N, C*s*s, H, W] -> [N, C, sH, sW]. */
    static NDArray depthToSpace(NDArray x, int s) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1) / (s * s);
        long h = shape.get(2);
        long w = shape.get(3);
        return x.reshape(n, c, s, s, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * s, w * s);
    }

    /** The network's weights as plain Java arrays, in layer order. */
    public static final class Parameters {
        final RecurrentSrArchitecture arch;
        final float[][] weight;
        final float[][] bias;

        Parameters(RecurrentSrArchitecture arch) {
            this.arch = arch;
            this.weight = new float[arch.layers()][];
            this.bias = new float[arch.layers()][];
            for (int i = 0; i < arch.layers(); i++) {
                weight[i] = new float[arch.convOut(i) * arch.convIn(i) * 9];
                bias[i] = new float[arch.convOut(i)];
            }
        }

        static Shape weightShape(RecurrentSrArchitecture arch, int layer) {
            return new Shape(arch.convOut(layer), arch.convIn(layer), 3, 3);
        }

        /** Checks names and shapes; the arrays are shared, not copied. */
        public static Parameters fromTensors(RecurrentSrArchitecture arch, Map<String, FloatTensor> tensors) {
            Parameters p = new Parameters(arch);
            for (int i = 0; i < arch.layers(); i++) {
                p.weight[i] = take(tensors, RecurrentSrArchitecture.weightName(i),
                        new long[] {arch.convOut(i), arch.convIn(i), 3, 3});
                p.bias[i] = take(tensors, RecurrentSrArchitecture.biasName(i), new long[] {arch.convOut(i)});
            }
            return p;
        }

        /**
         * Logit of the gate that ungated weights start with when they are widened to a temporal
         * gate: 0, a blend of one half that prefers neither frame, so that how far the gate
         * opens is learned rather than set here.
         */
        static final float GATE_START_BIAS = 0f;

        /**
         * Weights to start training from: {@code tensors} as they are, or, when {@code arch} has a
         * temporal gate and the tensors are those of the same network without one, those
         * tensors with gate channels added to the last convolution (zero weights, bias
         * {@link #GATE_START_BIAS}) and the change channel added to its input (zero weights).
         */
        public static Parameters startingFrom(RecurrentSrArchitecture arch, Map<String, FloatTensor> tensors) {
            RecurrentSrArchitecture ungated = new RecurrentSrArchitecture(arch.scale(), arch.features(),
                    arch.layers(), arch.hiddenChannels());
            String lastWeight = RecurrentSrArchitecture.weightName(arch.layers() - 1);
            FloatTensor last = tensors.get(lastWeight);
            if (!arch.temporalGate() || last == null || last.dim(0) != ungated.convOut(arch.layers() - 1)) {
                return fromTensors(arch, tensors);
            }
            Parameters from = fromTensors(ungated, tensors);
            Parameters p = new Parameters(arch);
            int l = arch.layers() - 1;
            for (int i = 0; i < l; i++) { // shared, as fromTensors shares them
                p.weight[i] = from.weight[i];
                p.bias[i] = from.bias[i];
            }
            // each output row gains the change channel's (zero) weights after the features'
            int fromRow = ungated.convIn(l) * 9;
            int row = arch.convIn(l) * 9;
            for (int o = 0; o < ungated.convOut(l); o++) {
                System.arraycopy(from.weight[l], o * fromRow, p.weight[l], o * row, fromRow);
            }
            System.arraycopy(from.bias[l], 0, p.bias[l], 0, from.bias[l].length);
            Arrays.fill(p.bias[l], from.bias[l].length, p.bias[l].length, GATE_START_BIAS);
            return p;
        }

        private static float[] take(Map<String, FloatTensor> tensors, String name, long[] shape) {
            FloatTensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("missing weight " + name);
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(name + " has shape " + Arrays.toString(t.shape())
                        + ", the architecture needs " + Arrays.toString(shape));
            }
            return t.data();
        }

        /** Named tensors (shared arrays) in the order conv0.weight, conv0.bias, conv1.weight, ... */
        public Map<String, FloatTensor> toTensors() {
            Map<String, FloatTensor> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < arch.layers(); i++) {
                m.put(RecurrentSrArchitecture.weightName(i),
                        new FloatTensor(new long[] {arch.convOut(i), arch.convIn(i), 3, 3}, weight[i]));
                m.put(RecurrentSrArchitecture.biasName(i), new FloatTensor(new long[] {arch.convOut(i)}, bias[i]));
            }
            return m;
        }

        void toNDArrays(NDManager manager, NDArray[] w, NDArray[] b, boolean requiresGradient) {
            for (int i = 0; i < arch.layers(); i++) {
                w[i] = manager.create(weight[i], weightShape(arch, i));
                b[i] = manager.create(bias[i], new Shape(arch.convOut(i)));
                if (requiresGradient) {
                    w[i].setRequiresGradient(true);
                    b[i].setRequiresGradient(true);
                }
            }
        }

        /**
         * He-uniform initial weights for the hidden layers, zero biases, and a last layer scaled
         * by {@code lastScale} (near zero: the untrained network is bicubic).
         */
        static Parameters initial(RecurrentSrArchitecture arch, java.util.Random rnd, double lastScale) {
            Parameters p = new Parameters(arch);
            for (int i = 0; i < arch.layers(); i++) {
                int fanIn = arch.convIn(i) * 9;
                double bound = Math.sqrt(6.0 / fanIn);
                if (i == arch.layers() - 1) {
                    bound *= lastScale;
                }
                float[] w = p.weight[i];
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            }
            return p;
        }

        int count() {
            int n = 0;
            for (int i = 0; i < arch.layers(); i++) {
                n += weight[i].length + bias[i].length;
            }
            return n;
        }
    }
}
