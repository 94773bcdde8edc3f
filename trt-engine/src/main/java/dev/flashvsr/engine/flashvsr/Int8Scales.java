package dev.flashvsr.engine.flashvsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.FlashVsrCalibration.Method;
import dev.flashvsr.engine.flashvsr.graph.LinearQuantization;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The activation ranges of the DiT's quantized Linear inputs, measured by
 * {@link FlashVsrCalibration} on a stream and kept in the package beside the release files:
 *
 * <pre>{"format": "flashvsr-int8-scales/1", "method": "max", "frames": 33, "frameSize": "64x32", "scale": 4,
 *  "layers": {"blocks.0.self_attn.q": {"absMax": 3.25, "p9999": 2.98}, ...}}</pre>
 *
 * {@code absMax} is the largest |x| seen, {@code p9999} the largest per-chunk 99.99th percentile of
 * |x|; {@code method} says which of the two the int8 graphs use (scale = range / 127). Every
 * layer {@link LinearQuantization#layerNames} lists must be
 * there, each range a positive finite number.
 */
record Int8Scales(Method method, int frames, String frameSize, int scale, Map<String, Range> layers, String sha256) {
    static final String FORMAT = "flashvsr-int8-scales/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One layer input's measured range. */
    record Range(float absMax, float p9999) {
        Range {
            if (!positiveFinite(absMax) || !positiveFinite(p9999) || p9999 > absMax) {
                throw new IllegalArgumentException("range absMax " + absMax + ", p9999 " + p9999 + " is not two "
                        + "positive finite numbers with p9999 <= absMax");
            }
        }

        float of(Method method) {
            return method == Method.MAX ? absMax : p9999;
        }
    }

    Int8Scales {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** The int8 scale of each layer's input under {@link #method}. */
    Map<String, Float> inputScales() {
        Map<String, Float> scales = new LinkedHashMap<>();
        layers.forEach((name, range) -> scales.put(name, LinearQuantization.scaleOf(range.of(method))));
        return scales;
    }

    /** The file's bytes: keys in a fixed order, so equal measurements give equal files. */
    static byte[] toJson(Method method, int frames, String frameSize, int scale, Map<String, Range> layers) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("method", method.nick());
        root.put("frames", frames);
        root.put("frameSize", frameSize);
        root.put("scale", scale);
        ObjectNode list = root.putObject("layers");
        layers.forEach((name, range) -> list.putObject(name).put("absMax", range.absMax()).put("p9999", range.p9999()));
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * Parses and checks a scales file of a package whose DiT has the layers {@code expected}.
     *
     * @param where the file, for messages
     */
    static Int8Scales parse(byte[] bytes, String where, List<String> expected) throws EngineException {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new IllegalArgumentException("not an int8 scales file (format " + FORMAT + ")");
            }
            Method method = Method.fromNick(root.path("method").asText());
            JsonNode list = root.path("layers");
            Map<String, Range> layers = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode absMax = e.getValue().path("absMax");
                JsonNode p9999 = e.getValue().path("p9999");
                if (!absMax.isNumber() || !p9999.isNumber()) {
                    throw new IllegalArgumentException("layer " + e.getKey() + " needs numbers absMax and p9999");
                }
                try {
                    layers.put(e.getKey(), new Range(absMax.floatValue(), p9999.floatValue()));
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException("layer " + e.getKey() + ": " + bad.getMessage());
                }
            }
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(layers.keySet());
            Set<String> unknown = new HashSet<>(layers.keySet());
            expected.forEach(unknown::remove);
            if (!missing.isEmpty() || !unknown.isEmpty()) {
                throw new IllegalArgumentException("its layers do not match the package's DiT ("
                        + expected.size() + " quantized Linear layers): missing " + sorted(missing) + ", unknown "
                        + sorted(unknown));
            }
            return new Int8Scales(method, root.path("frames").asInt(), root.path("frameSize").asText(),
                    root.path("scale").asInt(), layers, Sha256.ofBytes(bytes));
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineException(where + " cannot be used: " + e.getMessage(),
                    "Calibrate the package again (FlashVsrCalibration / flashvsr calibrate)", e);
        }
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().limit(5).toList();
    }

    private static boolean positiveFinite(float v) {
        return v > 0 && !Float.isInfinite(v);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "int8 scales (%s, %d layers, %d frames of %s)", method.nick(),
                layers.size(), frames, frameSize);
    }
}
