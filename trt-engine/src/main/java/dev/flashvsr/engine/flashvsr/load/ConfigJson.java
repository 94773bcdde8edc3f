package dev.flashvsr.engine.flashvsr.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Typed, optional access to a release folder's {@code config.json}: an object of sections
 * ({@code "dit"}, {@code "lq_proj"}, ...) of keys. Every getter is empty when the file, the section
 * or the key is absent; a value of the wrong type is an {@link EngineException} naming the file
 * and key. Keys nobody asks for are ignored.
 */
final class ConfigJson {
    /** config.json is a few KB; anything much larger is not one. */
    private static final long MAX_SIZE = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    static final String REMEDY = "Fix config.json (same format as the golden release-layout/config.json) or remove it "
            + "to use the FlashVSR v1.1 defaults";

    private final Path path;
    private final JsonNode root;

    private ConfigJson(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    /** No config.json: every getter is empty. */
    static ConfigJson absent(Path path) {
        return new ConfigJson(path, null);
    }

    /** Reads config.json {@code path}, already checked to be a regular file at {@code real}. */
    static ConfigJson read(Path path, Path real) throws EngineException {
        try {
            JsonNode root = JSON.readTree(ModelFiles.readBounded(real, MAX_SIZE, "a config.json"));
            if (root == null || !root.isObject()) {
                throw new EngineException(path + ": not a JSON object", REMEDY);
            }
            return new ConfigJson(path, root);
        } catch (JsonProcessingException e) {
            throw new EngineException(path + ": malformed JSON: " + e.getOriginalMessage(), REMEDY, e);
        } catch (IOException e) {
            throw new EngineException(path + ": cannot read: " + e.getMessage(), REMEDY, e);
        }
    }

    boolean present() {
        return root != null;
    }

    Path path() {
        return path;
    }

    /** {@code section.key} as written in config.json, for messages. */
    static String key(String section, String key) {
        return section + "." + key;
    }

    private Optional<JsonNode> node(String section, String key) throws EngineException {
        if (root == null || !root.has(section)) {
            return Optional.empty();
        }
        JsonNode s = root.get(section);
        if (!s.isObject()) {
            throw new EngineException(path + ": \"" + section + "\" must be an object, found " + s, REMEDY);
        }
        return Optional.ofNullable(s.get(key));
    }

    private EngineException wrongType(String section, String key, String expected, JsonNode found) {
        return new EngineException(path + ": " + key(section, key) + " must be " + expected + ", found " + found,
                REMEDY);
    }

    boolean hasSection(String section) {
        return root != null && root.has(section);
    }

    Optional<Integer> integer(String section, String key) throws EngineException {
        Optional<JsonNode> n = node(section, key);
        if (n.isPresent() && !isInt(n.get())) {
            throw wrongType(section, key, "an integer", n.get());
        }
        return n.map(JsonNode::intValue);
    }

    Optional<Double> number(String section, String key) throws EngineException {
        Optional<JsonNode> n = node(section, key);
        if (n.isPresent() && !n.get().isNumber()) {
            throw wrongType(section, key, "a number", n.get());
        }
        return n.map(JsonNode::doubleValue);
    }

    Optional<Boolean> bool(String section, String key) throws EngineException {
        Optional<JsonNode> n = node(section, key);
        if (n.isPresent() && !n.get().isBoolean()) {
            throw wrongType(section, key, "true or false", n.get());
        }
        return n.map(JsonNode::booleanValue);
    }

    Optional<String> text(String section, String key) throws EngineException {
        Optional<JsonNode> n = node(section, key);
        if (n.isPresent() && !n.get().isTextual()) {
            throw wrongType(section, key, "a string", n.get());
        }
        return n.map(JsonNode::textValue);
    }

    /** An array of integers; {@code length} < 0 for any length. */
    Optional<List<Integer>> integers(String section, String key, int length) throws EngineException {
        return array(section, key, length, ConfigJson::isInt, "integers").map(l -> l.stream().map(JsonNode::intValue)
                .toList());
    }

    Optional<List<Boolean>> booleans(String section, String key, int length) throws EngineException {
        return array(section, key, length, JsonNode::isBoolean, "booleans").map(l -> l.stream()
                .map(JsonNode::booleanValue).toList());
    }

    Optional<Dims3> dims3(String section, String key) throws EngineException {
        Optional<List<Integer>> values = integers(section, key, 3);
        if (values.isPresent() && values.get().stream().anyMatch(v -> v < 0)) {
            throw new EngineException(path + ": " + key(section, key) + " must not be negative, found "
                    + values.get(), REMEDY);
        }
        return values.map(v -> new Dims3(v.get(0), v.get(1), v.get(2)));
    }

    private Optional<List<JsonNode>> array(String section, String key, int length, Predicate<JsonNode> element,
            String elements) throws EngineException {
        Optional<JsonNode> n = node(section, key);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        String expected = "an array of " + (length >= 0 ? length + " " : "") + elements;
        JsonNode array = n.get();
        if (!array.isArray() || (length >= 0 && array.size() != length)) {
            throw wrongType(section, key, expected, array);
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode v : array) {
            if (!element.test(v)) {
                throw wrongType(section, key, expected, array);
            }
            out.add(v);
        }
        return Optional.of(out);
    }

    private static boolean isInt(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToInt();
    }
}
