package dev.flashvsr.engine.tensorrt.backend;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.OpenProgress;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.cache.BuildCache;
import dev.flashvsr.engine.flashvsr.ExportedGraph;
import dev.flashvsr.engine.flashvsr.FlashVsrPackage;
import dev.flashvsr.engine.tensorrt.cache.GraphDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The exported graphs ({@link ExportedGraph}) of one package, model frame size, precision and
 * attention, kept in a content-addressed folder beside the engines
 * ({@code <engine cache>/flashvsr-graphs/<key>/}, a {@link BuildCache} entry) with each graph's
 * SHA-256 and input shapes in {@value #INDEX}. The engine keys need the digests: reading them from
 * the index means that a start whose engines are all cached neither exports nor hashes anything.
 */
final class FlashVsrGraphFiles implements AutoCloseable {
    static final String FOLDER = "flashvsr-graphs";
    static final String INDEX = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One exported graph: its file (in the entry), its digest and its inputs' fixed shapes. */
    record Graph(ExportedGraph which, String sha256, Map<String, long[]> inputs) {
    }

    private final BuildCache cache;
    private final String key;
    private final String what;
    private final BuildCache.Builder export;
    private final Map<ExportedGraph, Graph> graphs;
    private BuildCache.Entry entry;

    private FlashVsrGraphFiles(BuildCache cache, String key, String what, BuildCache.Builder export,
            Map<ExportedGraph, Graph> graphs, BuildCache.Entry entry) {
        this.cache = cache;
        this.key = key;
        this.what = what;
        this.export = export;
        this.graphs = graphs;
        this.entry = entry;
    }

    /** The graphs of {@code pkg} for model frames of {@code width x height} in {@code precision}, exported once. */
    static FlashVsrGraphFiles open(FlashVsrPackage pkg, int width, int height, Precision precision, Path engineFolder,
            OpenProgress progress) throws EngineException {
        BuildCache cache = new BuildCache(engineFolder.resolve(FOLDER), progress::warning);
        String key = ExportedGraph.contentKey(pkg, width, height, precision);
        String what = "FlashVSR ONNX graphs for " + width + "x" + height + " (" + precision.nick() + ")";
        BuildCache.Builder export = folder -> {
            ExportedGraph.writeAll(pkg, width, height, precision, folder);
            writeIndex(folder);
        };
        if (cache.has(key)) {
            try {
                return new FlashVsrGraphFiles(cache, key, what, export, readIndex(cache.root().resolve(key)), null);
            } catch (IOException | RuntimeException e) {
                // a damaged entry: the checked entry below exports it again, with a warning
            }
        }
        progress.report("exporting the " + what + " (once: they are kept in " + cache.root() + ")", Double.NaN);
        BuildCache.Entry entry = cache.entry(key, what, export);
        try {
            return new FlashVsrGraphFiles(cache, key, what, export, readIndex(entry.folder()), entry);
        } catch (IOException | RuntimeException e) {
            entry.close();
            throw new EngineException("the " + what + " in " + entry.folder() + " cannot be read: " + e.getMessage(),
                    "Delete that folder; it is exported again on the next start", e);
        }
    }

    Graph graph(ExportedGraph which) {
        return graphs.get(which);
    }

    /**
     * The file of {@code which}, its entry checked first (and exported again when damaged): for
     * building an engine, the only use of the files once their digests are known.
     */
    Path verifiedFile(ExportedGraph which) throws EngineException {
        if (entry == null) {
            entry = cache.entry(key, what, export);
        }
        return entry.folder().resolve(which.file());
    }

    /** Deletes the entry when it had to be made in a temporary folder (an unwritable cache). */
    @Override
    public void close() {
        if (entry != null) {
            entry.close();
        }
    }

    private static void writeIndex(Path folder) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        for (ExportedGraph which : ExportedGraph.values()) {
            Path file = folder.resolve(which.file());
            List<Path> data;
            try (var files = Files.list(folder)) {
                data = files.filter(f -> f.getFileName().toString().startsWith(which.file() + ".")).toList();
            }
            ObjectNode graph = index.putObject(which.name());
            graph.put("sha256", GraphDigest.sha256(file, data));
            ObjectNode inputs = graph.putObject("inputs");
            inputShapes(file).forEach((name, shape) -> {
                var dims = inputs.putArray(name);
                for (long d : shape) {
                    dims.add(d);
                }
            });
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(INDEX).toFile(), index);
    }

    private static Map<ExportedGraph, Graph> readIndex(Path folder) throws IOException {
        JsonNode index = JSON.readTree(folder.resolve(INDEX).toFile());
        Map<ExportedGraph, Graph> graphs = new EnumMap<>(ExportedGraph.class);
        for (ExportedGraph which : ExportedGraph.values()) {
            JsonNode graph = index.path(which.name());
            if (!graph.path("sha256").isTextual() || !graph.path("inputs").isObject()) {
                throw new IOException(INDEX + " has no digest and inputs for " + which.file());
            }
            Map<String, long[]> inputs = new LinkedHashMap<>();
            graph.path("inputs").fields().forEachRemaining(input -> {
                long[] shape = new long[input.getValue().size()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = input.getValue().get(d).asLong();
                }
                inputs.put(input.getKey(), shape);
            });
            graphs.put(which, new Graph(which, graph.path("sha256").asText(), inputs));
        }
        return graphs;
    }

    /** The graph's inputs (weights excluded) with their shapes, all fixed in exported graphs. */
    private static Map<String, long[]> inputShapes(Path file) throws IOException {
        GraphProto graph;
        try (InputStream in = Files.newInputStream(file)) {
            graph = ModelProto.parseFrom(in).getGraph();
        }
        Set<String> weights = graph.getInitializerList().stream().map(w -> w.getName()).collect(Collectors.toSet());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (ValueInfoProto input : graph.getInputList()) {
            if (weights.contains(input.getName())) {
                continue;
            }
            List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
            long[] shape = new long[dims.size()];
            for (int d = 0; d < shape.length; d++) {
                if (!dims.get(d).hasDimValue()) {
                    throw new IOException("input " + input.getName() + " of " + file.getFileName()
                            + " has a dynamic dimension; exported FlashVSR graphs have fixed shapes");
                }
                shape[d] = dims.get(d).getDimValue();
            }
            shapes.put(input.getName(), shape);
        }
        return shapes;
    }
}
