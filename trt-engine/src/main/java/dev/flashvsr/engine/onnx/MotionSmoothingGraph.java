package dev.flashvsr.engine.onnx;

import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.intAttr;
import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.ints;
import static dev.flashvsr.engine.onnx.OnnxGraphBuilder.stringAttr;

import ai.onnx.proto.OnnxMl;
import dev.flashvsr.engine.model.Luma;
import dev.flashvsr.engine.model.MotionSmoothing;
import java.util.List;

/**
 * Adds {@link MotionSmoothing} to a graph, with standard opset-17 ops (Conv, Pad, AveragePool,
 * Div, Clip, Exp, GridSample, Resize nearest, ReduceSum, SpaceToDepth, DepthToSpace DCR, and
 * Shape, Gather, Cast, Range, Unsqueeze, Squeeze for the sampling grids of any frame size).
 */
public final class MotionSmoothingGraph {
    private MotionSmoothingGraph() {
    }

    /**
     * Declares the state input and output and returns the smoothed output.
     *
     * @param current the current low-res frame [N, 3, H, W], RGB in [0, 1]
     * @param previous the previous low-res frame (the current one at stream start)
     * @param estimate the network's output for {@code current}, [N, 3, scale H, scale W]
     */
    public static String apply(OnnxGraphBuilder g, MotionSmoothing p, int scale, String current, String previous,
            String estimate) {
        int channels = MotionSmoothing.stateChannels(scale);
        String state = g.input(MotionSmoothing.INPUT_STATE, "N", channels, "H", "W");
        String previousLuma = g.op("DepthToSpace", List.of(g.sliceChannels(state, 0, channels - 1)),
                intAttr("blocksize", scale), stringAttr("mode", "DCR"));
        String flag = g.sliceChannels(state, channels - 1, channels);

        String lumaLevels = g.initializer(g.fresh("luma_levels"), Luma.LEVELS, 1, 3, 1, 1);
        String lumaCurrent = g.conv(current, lumaLevels, null, 1, 0);
        String lumaPrevious = g.conv(previous, lumaLevels, null, 1, 0);
        String flow = flow(g, p, lumaCurrent, lumaPrevious);
        String flowX = g.sliceChannels(flow, 0, 1);
        String flowY = g.sliceChannels(flow, 1, 2);

        String moved = sample(g, lumaPrevious, flow, 1);
        String error = meanOver(g, g.abs(g.sub(lumaCurrent, moved)), MotionSmoothing.ERROR_WINDOW);
        String speed = g.add(g.mul(flowX, flowX), g.mul(flowY, flowY));
        String exponent = g.add(g.mul(g.mul(error, error), g.scalar(-1 / (p.errorLevels() * p.errorLevels()))),
                g.mul(speed, g.scalar(-1 / (p.speedScale() * p.speedScale()))));
        String gate = g.mul(g.op("Exp", List.of(exponent)), g.mul(flag, g.scalar(p.maxBlend())));

        // a channel sum, not a 1x1 convolution: ONNX Runtime's convolution at the output size costs
        // several times more
        String luma = g.initializer(g.fresh("luma"), Luma.WEIGHTS, 1, 3, 1, 1);
        String estimateLuma = g.op("ReduceSum", List.of(g.mul(estimate, luma), g.int64Initializer(g.fresh("axes"), 1)),
                intAttr("keepdims", 1));
        String movedLuma = sample(g, previousLuma, flow, scale);
        String outputGate = g.op("Resize", List.of(gate, "", g.initializer(g.fresh("nearest_scales"),
                new float[] {1, 1, scale, scale}, 4)), nearest());
        // the luma change, added to R, G and B alike, changes luma by itself and leaves chroma
        String change = g.mul(outputGate, g.sub(movedLuma, estimateLuma));

        String raisedFlag = g.onesLike(flag);
        String stateOut = g.concat(1, g.op("SpaceToDepth", List.of(g.add(estimateLuma, change)),
                intAttr("blocksize", scale)), raisedFlag);
        g.output(stateOut, MotionSmoothing.OUTPUT_STATE, "N", channels, "H", "W");
        return g.add(estimate, change);
    }

    /** Lucas-Kanade flow [N, 2, H, W] (x, y) in low-res pixels, from luma planes in 8-bit levels. */
    private static String flow(OnnxGraphBuilder g, MotionSmoothing p, String lumaCurrent, String lumaPrevious) {
        String mean = g.mul(g.add(lumaCurrent, lumaPrevious), g.scalar(0.5f));
        // central differences in x (first output channel) and y (second), edges repeated
        float[] taps = new float[2 * 9];
        taps[3] = -0.5f;
        taps[5] = 0.5f;
        taps[9 + 1] = -0.5f;
        taps[9 + 7] = 0.5f;
        String gradients = g.conv(g.padEdge(mean, 1), g.initializer(g.fresh("central_differences"), taps, 2, 1, 3, 3),
                null, 3, 0);
        String ix = g.sliceChannels(gradients, 0, 1);
        String iy = g.sliceChannels(gradients, 1, 2);
        String it = g.sub(lumaCurrent, lumaPrevious);
        String sums = meanOver(g, g.concat(1, g.mul(ix, ix), g.mul(ix, iy), g.mul(iy, iy), g.mul(ix, it),
                g.mul(iy, it)), p.flowWindow());
        String sxx = g.sliceChannels(sums, 0, 1);
        String sxy = g.sliceChannels(sums, 1, 2);
        String syy = g.sliceChannels(sums, 2, 3);
        String sxt = g.sliceChannels(sums, 3, 4);
        String syt = g.sliceChannels(sums, 4, 5);
        String det = g.add(g.sub(g.mul(sxx, syy), g.mul(sxy, sxy)), g.scalar(p.flowRegularizer()));
        String vx = g.op("Div", List.of(g.sub(g.mul(sxy, syt), g.mul(syy, sxt)), det));
        String vy = g.op("Div", List.of(g.sub(g.mul(sxy, sxt), g.mul(sxx, syt)), det));
        return g.clip(g.concat(1, vx, vy), -p.maxFlow(), p.maxFlow());
    }

    /**
     * The mean over each pixel's {@code window x window} neighbourhood, pixels outside left out:
     * a row pass and a column pass (the pixels kept form a rectangle, so this is exact), which
     * costs 2 window additions a pixel instead of window^2.
     */
    private static String meanOver(OnnxGraphBuilder g, String x, int window) {
        int pad = window / 2;
        String rows = g.op("AveragePool", List.of(x), ints("kernel_shape", 1, window), ints("pads", 0, pad, 0, pad),
                ints("strides", 1, 1), intAttr("count_include_pad", 0));
        return g.op("AveragePool", List.of(rows), ints("kernel_shape", window, 1), ints("pads", pad, 0, pad, 0),
                ints("strides", 1, 1), intAttr("count_include_pad", 0));
    }

    /**
     * {@code x} [N, C, h, w] sampled at each pixel's centre minus the flow: bilinear, edges
     * repeated. {@code flow} [N, 2, h / scale, w / scale] is in pixels of that coarser grid and
     * holds over each {@code scale x scale} block of {@code x}. The grid is assembled channel-first
     * and interleaved once at the end: ONNX Runtime resizes and adds [N, h, w, 2] tensors several
     * times slower.
     */
    private static String sample(OnnxGraphBuilder g, String x, String flow, int scale) {
        String shape = g.op("Shape", List.of(x));
        String height = side(g, shape, 2);
        String width = side(g, shape, 3);
        // GridSample (align_corners 0) reads normalised coordinates: pixel centre * 2 / size - 1
        String offset = g.concat(1, g.mul(g.sliceChannels(flow, 0, 1), g.op("Div", List.of(g.scalar(-2f * scale), width))),
                g.mul(g.sliceChannels(flow, 1, 2), g.op("Div", List.of(g.scalar(-2f * scale), height))));
        if (scale > 1) {
            offset = g.op("Resize", List.of(offset, "", g.initializer(g.fresh("nearest_scales"),
                    new float[] {1, 1, scale, scale}, 4)), nearest());
        }
        String half = g.scalar(0.5f);
        String one = g.scalar(1);
        String columns = g.sub(g.mul(g.op("Range", List.of(half, width, one)),
                g.op("Div", List.of(g.scalar(2), width))), one); // [w]
        String rows = unsqueeze(g, g.sub(g.mul(g.op("Range", List.of(half, height, one)),
                g.op("Div", List.of(g.scalar(2), height))), one), 1); // [h, 1]
        String gridX = unsqueeze(g, g.add(g.sliceChannels(offset, 0, 1), columns), 4); // [N, 1, h, w, 1]
        String gridY = unsqueeze(g, g.add(g.sliceChannels(offset, 1, 2), rows), 4);
        String grid = g.op("Squeeze", List.of(g.concat(4, gridX, gridY), g.int64Initializer(g.fresh("axes"), 1)));
        return g.op("GridSample", List.of(x, grid), stringAttr("mode", "bilinear"),
                stringAttr("padding_mode", "border"), intAttr("align_corners", 0));
    }

    private static OnnxMl.AttributeProto[] nearest() {
        return new OnnxMl.AttributeProto[] {stringAttr("mode", "nearest"),
            stringAttr("coordinate_transformation_mode", "asymmetric"), stringAttr("nearest_mode", "floor")};
    }

    private static String unsqueeze(OnnxGraphBuilder g, String x, long axis) {
        return g.op("Unsqueeze", List.of(x, g.int64Initializer(g.fresh("axes"), axis)));
    }

    /** Dimension {@code axis} of {@code shape} as a float scalar. */
    private static String side(OnnxGraphBuilder g, String shape, int axis) {
        String index = g.int64Tensor(g.fresh("axis"), new long[] {axis});
        return g.op("Cast", List.of(g.op("Gather", List.of(shape, index))),
                intAttr("to", OnnxMl.TensorProto.DataType.FLOAT_VALUE));
    }
}
