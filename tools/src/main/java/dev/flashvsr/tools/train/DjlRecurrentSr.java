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

    /** Output of one frame: {@code output} [3, scale*H, scale*W] and {@code hiddenOut} [hidden, H, W], CHW. */
    public record Result(float[] output, float[] hiddenOut) {
    }

    private DjlRecurrentSr() {
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
     * The first convolution's input is padded with zero channels to a multiple of this (they
     * change no value). See {@link #capOneDnnIsa()}.
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
     * @return output [3, scale*height, scale*width] (not clamped) and hidden_out [hiddenChannels, height, width]
     */
    public static Result forward(RecurrentSrArchitecture arch, Map<String, FloatTensor> weights,
                                 float[] current, float[] previous, float[] hidden, int height, int width) {
        int plane = height * width;
        requireLength("current", current, 3 * plane);
        if (previous != null) {
            requireLength("previous", previous, 3 * plane);
        }
        if (hidden != null) {
            requireLength("hidden", hidden, arch.hiddenChannels() * plane);
        }
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
            NDList out = residualAndHidden(arch, w, b, cur, prev, hid);
            float[] residual = out.get(0).toFloatArray();
            float[] hiddenOut = arch.hiddenChannels() == 0 ? new float[0] : out.get(1).toFloatArray();
            float[] base = FloatBicubic.upscale(current, 3, height, width, arch.scale());
            for (int i = 0; i < base.length; i++) {
                base[i] += residual[i];
            }
            return new Result(base, hiddenOut);
        }
    }

    private static void requireLength(String name, float[] a, int n) {
        if (a.length != n) {
            throw new IllegalArgumentException(name + " holds " + a.length + " values, expected " + n);
        }
    }

    /**
     * The network on NDArrays: inputs [N, 3, H, W] (current, previous) and [N, hidden, H, W];
     * returns the residual [N, 3, sH, sW] and hidden_out [N, hidden, H, W] (absent when the
     * architecture has no hidden channels). Results live in the manager of {@code current}.
     */
    public static NDList residualAndHidden(RecurrentSrArchitecture arch, NDArray[] weights, NDArray[] biases,
                                           NDArray current, NDArray previous, NDArray hidden) {
        int s = arch.scale();
        int rc = 3 * s * s;
        NDList inputs = arch.hiddenChannels() == 0
                ? new NDList(current, previous)
                : new NDList(current, previous, hidden);
        // Zero channels up to a multiple of 8 (see CHANNEL_MULTIPLE); they change nothing.
        int in = arch.inputChannels();
        int padded = (in + CHANNEL_MULTIPLE - 1) / CHANNEL_MULTIPLE * CHANNEL_MULTIPLE;
        NDArray w0 = weights[0];
        if (padded != in) {
            Shape cs = current.getShape();
            inputs.add(current.getManager().zeros(new Shape(cs.get(0), padded - in, cs.get(2), cs.get(3))));
            w0 = w0.concat(current.getManager().zeros(new Shape(arch.convOut(0), padded - in, 3, 3)), 1);
        }
        NDArray x = NDArrays.concat(inputs, 1);
        Shape stride = new Shape(1, 1);
        Shape pad = new Shape(1, 1);
        for (int i = 0; i < arch.layers(); i++) {
            x = Conv2d.conv2d(x, i == 0 ? w0 : weights[i], biases[i], stride, pad).singletonOrThrow();
            if (i < arch.layers() - 1) {
                x = Activation.relu(x);
            }
        }
        Shape shape = x.getShape();
        long n = shape.get(0);
        long h = shape.get(2);
        long w = shape.get(3);
        NDArray residual = x.get(":, 0:" + rc)
                .reshape(n, 3, s, s, h, w)
                .transpose(0, 1, 4, 2, 5, 3)
                .reshape(n, 3, h * s, w * s);
        if (arch.hiddenChannels() == 0) {
            return new NDList(residual);
        }
        NDArray hiddenOut = x.get(":, " + rc + ":").tanh();
        return new NDList(residual, hiddenOut);
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
