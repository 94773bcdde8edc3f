package dev.flashvsr.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.flashvsr.engine.weights.FileRegion;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.HalfFloats;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small builder of ONNX models (opset {@value #OPSET} of the default domain, IR version
 * {@value #IR_VERSION}) over the protobuf classes of {@code ai.onnx.proto.OnnxMl}. Values are
 * named by strings; every op helper adds one node and returns the name of its (fresh) output.
 * Only standard ONNX ops are used, so ONNX Runtime and TensorRT's ONNX parser both accept the
 * result. Not thread-safe.
 */
public final class OnnxGraphBuilder {
    /** Default-domain opset the graphs are built for. */
    public static final int OPSET = 17;
    /** IR version 8 (ONNX 1.10+), enough for opset 17 and accepted by every current runtime. */
    public static final long IR_VERSION = 8;
    public static final String PRODUCER = "flashvsr-gst";

    private final String graphName;
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private int counter;
    private String docString = "";
    private ExternalWeights externalWeights;
    private Path externalDataFile;
    private long externalMinBytes;
    private long externalDataSize;

    public OnnxGraphBuilder(String graphName) {
        this.graphName = graphName;
    }

    // ---------------------------------------------------------------- graph interface

    /**
     * Declares a float32 graph input. Each dimension is an Integer or Long (fixed size) or a
     * String (a symbolic size such as "N", "H", "W"; equal strings mean equal sizes).
     */
    public String input(String name, Object... dims) {
        ValueInfoProto info = valueInfo(name, dims);
        claim(name);
        inputs.add(info);
        return name;
    }

    /**
     * Declares {@code value} a float32 graph output named {@code name}: the node producing
     * {@code value} is renamed so it writes {@code name} directly (no Identity copy). If
     * {@code value} is a graph input, an initializer or already an output, an Identity node is
     * added instead.
     */
    public String output(String value, String name, Object... dims) {
        valueInfo(name, dims); // validates the dimensions before the graph changes
        String produced = value;
        if (!value.equals(name)) {
            NodeProto.Builder producer = producerOf(value);
            boolean alreadyOutput = outputs.stream().anyMatch(o -> o.getName().equals(value));
            if (producer == null || alreadyOutput) {
                node("Identity", List.of(value), name, Map.of());
            } else {
                claim(name);
                rename(value, name);
            }
            produced = name;
        }
        outputs.add(valueInfo(produced, dims));
        return produced;
    }

    /** Adds a float32 initializer (a constant tensor, stored as little-endian raw data). */
    public String initializer(String name, float[] data, long... shape) {
        long count = FloatTensor.elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("initializer '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + count + " values but data has " + data.length);
        }
        claim(name);
        ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        addInitializer(tensor(name, TensorProto.DataType.FLOAT, shape, bytes));
        return name;
    }

    public String initializer(String name, FloatTensor tensor) {
        return initializer(name, tensor.data(), tensor.shape());
    }

    /** Adds a 1-D int64 initializer. */
    public String int64Initializer(String name, long... data) {
        claim(name);
        ByteBuffer bytes = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(data);
        addInitializer(tensor(name, TensorProto.DataType.INT64, new long[] {data.length}, bytes));
        return name;
    }

    /** Records a model metadata property ({@code metadata_props}). */
    public OnnxGraphBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public OnnxGraphBuilder docString(String doc) {
        this.docString = doc;
        return this;
    }

    /** A fresh value name starting with {@code prefix}. */
    public String fresh(String prefix) {
        String name;
        do {
            name = prefix + "_" + counter++;
        } while (names.contains(name));
        return name;
    }

    // ---------------------------------------------------------------- ops

    /** Adds a node with one output and returns the output's name. */
    public String node(String opType, List<String> nodeInputs, String output, Map<String, AttributeProto> attributes) {
        claim(output);
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(opType + "_" + nodes.size())
                .addAllInput(nodeInputs)
                .addOutput(output);
        attributes.values().forEach(node::addAttribute);
        nodes.add(node);
        return output;
    }

    /** Adds a node with one output, named after the op type, and returns that name. */
    public String op(String opType, List<String> nodeInputs, AttributeProto... attributes) {
        Map<String, AttributeProto> map = new LinkedHashMap<>();
        for (AttributeProto a : attributes) {
            map.put(a.getName(), a);
        }
        return node(opType, nodeInputs, fresh(opType.toLowerCase(java.util.Locale.ROOT)), map);
    }

    /** 2-D convolution, square kernel, stride 1, symmetric zero padding; {@code bias} may be null. */
    public String conv(String x, String weight, String bias, int kernel, int pad) {
        List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return op("Conv", in, ints("kernel_shape", kernel, kernel), ints("pads", pad, pad, pad, pad),
                ints("strides", 1, 1), ints("dilations", 1, 1), intAttr("group", 1));
    }

    /** 3x3 convolution with padding 1 (output size equals input size). */
    public String conv3x3(String x, String weight, String bias) {
        return conv(x, weight, bias, 3, 1);
    }

    public String relu(String x) {
        return op("Relu", List.of(x));
    }

    public String tanh(String x) {
        return op("Tanh", List.of(x));
    }

    public String abs(String x) {
        return op("Abs", List.of(x));
    }

    public String sigmoid(String x) {
        return op("Sigmoid", List.of(x));
    }

    public String add(String a, String b) {
        return op("Add", List.of(a, b));
    }

    public String sub(String a, String b) {
        return op("Sub", List.of(a, b));
    }

    public String mul(String a, String b) {
        return op("Mul", List.of(a, b));
    }

    public String concat(int axis, String... values) {
        return op("Concat", List.of(values), intAttr("axis", axis));
    }

    /** Slice with constant starts, ends and axes (stored as int64 initializers); steps 1. */
    public String slice(String x, long[] starts, long[] ends, long[] axes) {
        if (starts.length != ends.length || starts.length != axes.length) {
            throw new IllegalArgumentException("slice needs as many starts, ends and axes");
        }
        String s = int64Initializer(fresh("slice_starts"), starts);
        String e = int64Initializer(fresh("slice_ends"), ends);
        String a = int64Initializer(fresh("slice_axes"), axes);
        return op("Slice", List.of(x, s, e, a));
    }

    /** Channels {@code start} to {@code end} (exclusive) of an NCHW tensor. */
    public String sliceChannels(String x, long start, long end) {
        return slice(x, new long[] {start}, new long[] {end}, new long[] {1});
    }

    /** A float32 scalar initializer. */
    public String scalar(float value) {
        return initializer(fresh("scalar"), new float[] {value});
    }

    /** A tensor of ones shaped like {@code x} (x * 0 + 1, so the shape need not be known here). */
    public String onesLike(String x) {
        return add(mul(x, scalar(0)), scalar(1));
    }

    /** DepthToSpace in CRD mode: the channel order of PyTorch's {@code pixel_shuffle}. */
    public String depthToSpace(String x, int blocksize) {
        return op("DepthToSpace", List.of(x), intAttr("blocksize", blocksize), stringAttr("mode", "CRD"));
    }

    /** Pads an NCHW tensor's spatial axes by {@code pad} on every side, repeating edge values. */
    public String padEdge(String x, int pad) {
        String pads = int64Initializer(fresh("pads"), 0, 0, pad, pad, 0, 0, pad, pad);
        return op("Pad", List.of(x, pads), stringAttr("mode", "edge"));
    }

    /** Clip to [min, max] (bounds as scalar initializers). */
    public String clip(String x, float min, float max) {
        String lo = initializer(fresh("clip_min"), new float[] {min});
        String hi = initializer(fresh("clip_max"), new float[] {max});
        return op("Clip", List.of(x, lo, hi));
    }

    /**
     * ONNX Resize of an NCHW tensor's spatial axes by an integer factor: mode cubic,
     * cubic_coeff_a -0.5, half_pixel coordinates, exclude_outside 0, scales as an initializer,
     * no roi.
     *
     * <p>With exclude_outside 0 the ONNX specification (its reference implementation pads the
     * input with edge values) and ONNX Runtime's CPU kernel both clamp out-of-image taps to the
     * edge, which is exactly {@link dev.flashvsr.engine.bicubic.FloatBicubic}; the tests check it
     * on ONNX Runtime, borders included. For a runtime that treats borders otherwise, use
     * {@link #bicubicUpscaleEdgePadded(String, int)}. ONNX Runtime 1.29's CPU Resize (cubic) is
     * slow: about 235 ms for 320x180 to 1280x720 RGB on 2 cores, against 7 ms for
     * {@link #bicubicPhases} plus DepthToSpace, so graphs use {@link BicubicMethod#PHASE_CONV}.
     */
    public String resizeCubic(String x, int scale) {
        String scales = initializer(fresh("resize_scales"), new float[] {1, 1, scale, scale}, 4);
        return op("Resize", List.of(x, "", scales), stringAttr("mode", "cubic"), floatAttr("cubic_coeff_a", -0.5f),
                stringAttr("coordinate_transformation_mode", "half_pixel"), intAttr("exclude_outside", 0));
    }

    /**
     * Bicubic upscaling of an NCHW tensor with {@code channels} channels, equal to
     * {@link dev.flashvsr.engine.bicubic.FloatBicubic#upscale}, computed by {@code method}.
     */
    public String bicubicUpscale(String x, int channels, int scale, BicubicMethod method) {
        return switch (method) {
            case PHASE_CONV -> depthToSpace(bicubicPhases(x, channels, scale), scale);
            case RESIZE -> resizeCubic(x, scale);
            case EDGE_PADDED_RESIZE -> bicubicUpscaleEdgePadded(x, scale);
        };
    }

    /**
     * The bicubic upscale of an NCHW tensor with {@code channels} channels, before its final
     * DepthToSpace: a tensor [N, channels * scale * scale, H, W] whose channel
     * {@code (c * scale + i) * scale + j} at (y, x) is output pixel (scale y + i, scale x + j) of
     * channel c, so that {@code depthToSpace(phases, scale)} (mode CRD) is the upscaled image.
     *
     * <p>Output row {@code scale y + i} samples source row {@code y + p_i} with
     * {@code p_i = (i + 0.5) / scale - 0.5}, |p_i| &lt; 0.5, so its four Keys taps lie within rows
     * y - 2 .. y + 2 (and likewise for columns). The input is padded by 2 with its edge values
     * (which clamps the taps exactly as FloatBicubic does) and convolved, without padding, by a
     * fixed kernel [channels * scale^2, 1, 5, 5] in {@code channels} groups whose entry
     * (phase (i, j), ky, kx) is {@code keys(p_i - (ky - 2)) * keys(p_j - (kx - 2))}. At scales 2 and
     * 4 these products are multiples of 2^-20 and exact in float.
     */
    public String bicubicPhases(String x, int channels, int scale) {
        int phases = scale * scale;
        float[] kernel = new float[channels * phases * 25];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < scale; i++) {
                double py = (i + 0.5) / scale - 0.5;
                for (int j = 0; j < scale; j++) {
                    double px = (j + 0.5) / scale - 0.5;
                    int base = ((c * scale + i) * scale + j) * 25;
                    for (int ky = 0; ky < 5; ky++) {
                        for (int kx = 0; kx < 5; kx++) {
                            kernel[base + ky * 5 + kx] = (float) (keys(py - (ky - 2)) * keys(px - (kx - 2)));
                        }
                    }
                }
            }
        }
        String weight = initializer(fresh("bicubic_phase_kernel_x" + scale), kernel, (long) channels * phases, 1, 5, 5);
        return op("Conv", List.of(padEdge(x, 2), weight), ints("kernel_shape", 5, 5), ints("pads", 0, 0, 0, 0),
                ints("strides", 1, 1), ints("dilations", 1, 1), intAttr("group", channels));
    }

    /** Keys' cubic convolution kernel with a = -0.5. */
    private static double keys(double t) {
        double a = -0.5;
        t = Math.abs(t);
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }

    /**
     * Bicubic upscaling equal to FloatBicubic on any runtime, whatever its Resize border rule:
     * the image is first padded by 2 pixels on each side with its edge values (Pad, mode edge),
     * so every tap of every output pixel that is kept falls inside the padded image and the
     * runtime's own border handling is never used; the {@code 2 * scale} extra output pixels on
     * each side are then sliced off. (Output pixel {@code o + 2 scale} of the padded resize
     * samples padded position {@code (o + 0.5) / scale - 0.5 + 2}, the original position of o
     * shifted by the padding; its taps span padded indices 0 to W + 3.) Costs a Pad, a slightly
     * larger Resize and a Slice copy.
     */
    public String bicubicUpscaleEdgePadded(String x, int scale) {
        String padded = padEdge(x, 2);
        String resized = resizeCubic(padded, scale);
        long border = 2L * scale;
        return slice(resized, new long[] {border, border}, new long[] {-border, -border}, new long[] {2, 3});
    }

    // ---------------------------------------------------------------- result

    public ModelProto build() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(graphName)
                .addAllInput(inputs).addAllOutput(outputs).addAllInitializer(initializers);
        for (NodeProto.Builder node : nodes) {
            graph.addNode(node.build());
        }
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(PRODUCER)
                .setDocString(docString)
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    /** The serialized model. */
    public byte[] toByteArray() {
        return build().toByteArray();
    }

    // ---------------------------------------------------------------- helpers

    private void claim(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("value names must be non-empty");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is already used in graph " + graphName);
        }
    }

    private NodeProto.Builder producerOf(String value) {
        for (NodeProto.Builder node : nodes) {
            if (node.getOutputList().contains(value)) {
                return node;
            }
        }
        return null;
    }

    private void rename(String from, String to) {
        for (NodeProto.Builder node : nodes) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(from)) {
                    node.setInput(i, to);
                }
            }
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (node.getOutput(i).equals(from)) {
                    node.setOutput(i, to);
                }
            }
        }
        names.remove(from);
    }

    private static ValueInfoProto valueInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Integer || d instanceof Long) {
                dim.setDimValue(((Number) d).longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                throw new IllegalArgumentException("dimension " + d + " of '" + name
                        + "' must be an Integer, a Long or a String");
            }
            shape.addDim(dim);
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, long[] shape, ByteBuffer bytes) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        bytes.rewind();
        return t.setRawData(ByteString.copyFrom(bytes)).build();
    }

    /** Node attributes, for op helpers built on this builder (see {@link #node}). */
    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    // ---------------------------------------------------------------- multi-output nodes

    /**
     * Adds a node with several outputs (TopK's values and indices, for example) and returns their
     * names, in order.
     */
    public List<String> node(String opType, List<String> nodeInputs, List<String> nodeOutputs,
            Map<String, AttributeProto> attributes) {
        nodeOutputs.forEach(this::claim);
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(opType + "_" + nodes.size())
                .addAllInput(nodeInputs)
                .addAllOutput(nodeOutputs);
        attributes.values().forEach(node::addAttribute);
        nodes.add(node);
        return List.copyOf(nodeOutputs);
    }

    // ---------------------------------------------------------------- typed values, external data

    /** Declares a graph input of element type {@code type} (INT64 positions, FLOAT16 caches...); dims as in {@link #input}. */
    public String typedInput(String name, TensorProto.DataType type, Object... dims) {
        input(name, dims);
        inputs.set(inputs.size() - 1, withElementType(inputs.get(inputs.size() - 1), type));
        return name;
    }

    /** As {@link #output}, for an output of element type {@code type} (BOOL masks, FLOAT16 caches...). */
    public String typedOutput(String value, String name, TensorProto.DataType type, Object... dims) {
        String produced = output(value, name, dims);
        outputs.set(outputs.size() - 1, withElementType(outputs.get(outputs.size() - 1), type));
        return produced;
    }

    /**
     * Adds an initializer of float values stored as {@code type}: FLOAT, FLOAT16 or BFLOAT16 (both
     * rounded to nearest even, as a runtime's Cast does), or INT8 (quantized weights and zero
     * points: the values must be whole numbers in [-128, 127]).
     */
    public String initializer(String name, TensorProto.DataType type, float[] data, long... shape) {
        if (type == TensorProto.DataType.FLOAT) {
            return initializer(name, data, shape);
        }
        if (type == TensorProto.DataType.INT8) {
            checkCount(name, data.length, shape);
            claim(name);
            ByteBuffer bytes = ByteBuffer.allocate(data.length);
            for (float v : data) {
                bytes.put(ValueWriter.int8(v));
            }
            addInitializer(tensor(name, type, shape, bytes.flip()));
            return name;
        }
        boolean half = type == TensorProto.DataType.FLOAT16;
        if (!half && type != TensorProto.DataType.BFLOAT16) {
            throw new IllegalArgumentException("initializer '" + name + "': float data cannot be stored as " + type);
        }
        checkCount(name, data.length, shape);
        claim(name);
        ByteBuffer bytes = ByteBuffer.allocate(2 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            bytes.putShort(half ? HalfFloats.floatToFloat16(v) : HalfFloats.floatToBfloat16(v));
        }
        addInitializer(tensor(name, type, shape, bytes));
        return name;
    }

    /** Adds an int64 initializer of any shape (an empty shape makes a scalar). */
    public String int64Tensor(String name, long[] data, long... shape) {
        checkCount(name, data.length, shape);
        claim(name);
        ByteBuffer bytes = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(data);
        addInitializer(tensor(name, TensorProto.DataType.INT64, shape, bytes));
        return name;
    }

    /** Adds a BOOL initializer (one byte per value). */
    public String boolInitializer(String name, boolean[] data, long... shape) {
        checkCount(name, data.length, shape);
        claim(name);
        ByteBuffer bytes = ByteBuffer.allocate(data.length);
        for (boolean v : data) {
            bytes.put((byte) (v ? 1 : 0));
        }
        addInitializer(tensor(name, TensorProto.DataType.BOOL, shape, bytes));
        return name;
    }

    /**
     * From now on, initializers of at least {@code minBytes} bytes are appended to {@code dataFile}
     * (created or truncated here) as ONNX external data instead of being held in the model: each
     * gets {@code data_location = EXTERNAL} and the entries {@code location} (the data file's name),
     * {@code offset} (aligned to 4096 bytes, so runtimes can map it) and {@code length}. The model
     * must then be written to the data file's folder (see {@link #save}); this lets models exceed
     * protobuf's 2 GB limit, and the weights never stay in the heap.
     */
    public OnnxGraphBuilder externalData(Path dataFile, long minBytes) {
        try {
            Files.write(dataFile, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create external data file " + dataFile, e);
        }
        externalDataFile = dataFile.toAbsolutePath();
        externalMinBytes = minBytes;
        externalDataSize = 0;
        return this;
    }

    /**
     * From now on, float initializers of at least the weights' minimum size, and every
     * {@link #weightInput}, become graph inputs that {@code weights} records (see
     * {@link ExternalWeights}): the model holds no large tensor, and the runner feeds them from
     * memory-mapped files.
     */
    public OnnxGraphBuilder externalWeights(ExternalWeights weights) {
        externalWeights = weights;
        return this;
    }

    /**
     * A weight of {@code type} and {@code shape}: with {@link #externalWeights}, a graph input
     * referring to {@code region} where the weight lies as stored (when given and usable), else to
     * a converted copy of {@code values}; without, an initializer of all the values.
     */
    public String weightInput(String name, TensorProto.DataType type, long[] shape, Optional<FileRegion> region,
            ExternalWeights.Values values) {
        long count = FloatTensor.elementCount(shape);
        long bytes = count * WeightRef.elementSize(type);
        if (externalWeights == null && externalDataFile != null && bytes >= externalMinBytes) {
            claim(name);
            initializers.add(appendExternalData(name, type, shape, bytes, values));
            return name;
        }
        if (externalWeights == null || !externalWeights.takes(bytes)) {
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("weight '" + name + "' has " + count + " elements, too many to "
                        + "hold in a model; use external weights");
            }
            float[] data = new float[(int) count];
            values.read(0, data, data.length);
            return initializer(name, type, data, shape);
        }
        claim(name);
        WeightRef ref = region.isPresent() ? externalWeights.inPlace(name, type, shape, region.get(), values)
                : externalWeights.stored(name, type, shape, values);
        declareWeightInput(ref);
        return name;
    }

    private void declareWeightInput(WeightRef ref) {
        inputs.add(withElementType(valueInfo(ref.name(), Arrays.stream(ref.shape()).boxed().toArray()), ref.type()));
    }

    /**
     * Writes the model to {@code modelFile}; with {@link #externalData} it must lie in the data
     * file's folder, since the locations are relative to the model.
     */
    public void save(Path modelFile) throws IOException {
        Path folder = modelFile.toAbsolutePath().getParent();
        if (externalDataFile != null && !externalDataFile.getParent().equals(folder)) {
            throw new IllegalArgumentException("model " + modelFile + " must be written to the folder of its external data "
                    + externalDataFile.getParent());
        }
        Files.write(modelFile, toByteArray());
    }

    private void addInitializer(TensorProto tensor) {
        ByteString data = tensor.getRawData();
        if (externalWeights != null && externalWeights.takes(data.size()) && isFloat(tensor)) {
            TensorProto.DataType type = TensorProto.DataType.forNumber(tensor.getDataType());
            ByteBuffer bytes = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long[] shape = tensor.getDimsList().stream().mapToLong(Long::longValue).toArray();
            declareWeightInput(externalWeights.stored(tensor.getName(), type, shape, (first, out, count) -> {
                for (int i = 0; i < count; i++) {
                    int at = (int) (first + i);
                    out[i] = switch (type) {
                        case FLOAT -> bytes.getFloat(4 * at);
                        case FLOAT16 -> HalfFloats.float16ToFloat(bytes.getShort(2 * at));
                        default -> HalfFloats.bfloat16ToFloat(bytes.getShort(2 * at));
                    };
                }
            }));
            return;
        }
        if (externalDataFile == null || data.size() < externalMinBytes) {
            initializers.add(tensor);
            return;
        }
        long offset = nextExternalOffset();
        try (FileChannel channel = FileChannel.open(externalDataFile, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = data.asReadOnlyByteBuffer();
            long position = offset;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write initializer '" + tensor.getName() + "' to " + externalDataFile, e);
        }
        initializers.add(externalTensor(tensor.toBuilder().clearRawData(), offset, data.size()));
    }

    /** Streams a weight's values into the external data file, a million at a time. */
    private TensorProto appendExternalData(String name, TensorProto.DataType type, long[] shape, long bytes,
            ExternalWeights.Values values) {
        long offset = nextExternalOffset();
        try (FileChannel channel = FileChannel.open(externalDataFile, StandardOpenOption.WRITE)) {
            ValueWriter.write(channel, offset, type, FloatTensor.elementCount(shape), values, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write initializer '" + name + "' to " + externalDataFile, e);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return externalTensor(t, offset, bytes);
    }

    /** Where the next external tensor starts: page-aligned, so runtimes can map it. */
    private long nextExternalOffset() {
        return (externalDataSize + 4095) / 4096 * 4096;
    }

    private TensorProto externalTensor(TensorProto.Builder tensor, long offset, long length) {
        externalDataSize = offset + length;
        return tensor.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", externalDataFile.getFileName().toString()))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
    }

    private static boolean isFloat(TensorProto tensor) {
        int type = tensor.getDataType();
        return type == TensorProto.DataType.FLOAT_VALUE || type == TensorProto.DataType.FLOAT16_VALUE
                || type == TensorProto.DataType.BFLOAT16_VALUE;
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static void checkCount(String name, int length, long[] shape) {
        long count = FloatTensor.elementCount(shape);
        if (count != length) {
            throw new IllegalArgumentException("initializer '" + name + "': shape " + Arrays.toString(shape)
                    + " holds " + count + " values but data has " + length);
        }
    }

    private static ValueInfoProto withElementType(ValueInfoProto info, TensorProto.DataType type) {
        ValueInfoProto.Builder b = info.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(type.getNumber());
        return b.build();
    }
}
