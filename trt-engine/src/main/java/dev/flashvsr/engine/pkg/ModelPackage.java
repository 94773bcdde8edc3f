package dev.flashvsr.engine.pkg;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A model package, loaded and verified: its manifest and the bytes of every graph, each checked
 * against the manifest's SHA-256. A package is a directory (or a class-path folder, for built-in
 * models) holding {@code manifest.json} and the graph files it names. Files of a directory
 * package must be regular files whose real path lies inside the package ({@link ModelFiles});
 * each is size-checked before it is read.
 */
public final class ModelPackage {
    /** A manifest is a few KB; anything this large is not one. */
    public static final long MAX_MANIFEST_BYTES = 1 << 20;
    /**
     * A graph is read whole and handed to ONNX Runtime as one protobuf message, which cannot exceed
     * 2 GB; larger models keep their weights in external data files.
     */
    public static final long MAX_GRAPH_BYTES = Integer.MAX_VALUE - 16;

    private final String location;
    private final ModelManifest manifest;
    private final Map<ModelManifest.Graph, byte[]> graphs;
    private final Map<ModelManifest.Graph, Path> externalDataFolders;

    private ModelPackage(String location, ModelManifest manifest, Map<ModelManifest.Graph, byte[]> graphs,
            Map<ModelManifest.Graph, Path> externalDataFolders) {
        this.location = location;
        this.manifest = manifest;
        this.graphs = graphs;
        this.externalDataFolders = externalDataFolders;
    }

    /** Where files of a package come from. */
    interface Source {
        /** Reads a file of the package whole, refusing one larger than {@code limit} bytes. */
        byte[] read(String relativePath, long limit, String what) throws IOException;

        /** The package's folder, or null for a built-in package (which has no folder). */
        Path folder();

        String describe();
    }

    /** Loads a package directory, or the directory of a {@code manifest.json} path. */
    public static ModelPackage load(Path path) throws EngineException {
        Path dir = (path.getFileName() != null && path.getFileName().toString().equals(ModelManifest.FILE_NAME)
                ? path.toAbsolutePath().getParent() : path.toAbsolutePath());
        return load(new Source() {
            @Override
            public byte[] read(String relativePath, long limit, String what) throws IOException {
                return ModelFiles.readBounded(ModelFiles.regularFileInside(dir.resolve(relativePath), dir), limit, what);
            }

            @Override
            public Path folder() {
                return dir;
            }

            @Override
            public String describe() {
                return dir.toString();
            }
        });
    }

    /** Loads a package stored on the class path under {@code folder} (e.g. "/dev/flashvsr/models/x/"). */
    public static ModelPackage loadResource(String folder) throws EngineException {
        return load(new Source() {
            @Override
            public byte[] read(String relativePath, long limit, String what) throws IOException {
                try (InputStream in = ModelPackage.class.getResourceAsStream(folder + relativePath)) {
                    if (in == null) {
                        throw new NoSuchFileException("class path " + folder + relativePath);
                    }
                    return in.readAllBytes();
                }
            }

            @Override
            public Path folder() {
                return null;
            }

            @Override
            public String describe() {
                return "built-in " + folder;
            }
        });
    }

    static ModelPackage load(Source source) throws EngineException {
        String where = source.describe();
        ModelManifest manifest;
        try {
            byte[] bytes = source.read(ModelManifest.FILE_NAME, MAX_MANIFEST_BYTES, "a manifest");
            manifest = ManifestReader.read(new ByteArrayInputStream(bytes));
        } catch (NoSuchFileException e) {
            throw new EngineException("model package " + where + " has no usable " + ModelManifest.FILE_NAME + " ("
                    + e.getMessage() + ")", "A model package is a directory with manifest.json and the graphs it names");
        } catch (ManifestReader.InvalidManifestException e) {
            throw new EngineException("the manifest of model package " + where + " is invalid: " + e.getMessage(),
                    "Fix manifest.json (format described in the README)");
        } catch (IOException e) {
            throw new EngineException("cannot read the manifest of model package " + where + ": " + e.getMessage(),
                    "Check the package's files and permissions", e);
        }
        Map<ModelManifest.Graph, byte[]> graphs = new LinkedHashMap<>();
        Map<ModelManifest.Graph, Path> externalDataFolders = new LinkedHashMap<>();
        for (ModelManifest.Graph graph : manifest.graphs()) {
            byte[] bytes = readGraph(source, graph);
            String actual = sha256(bytes);
            if (!actual.equals(graph.sha256())) {
                throw new EngineException("graph " + graph.file() + " of model package " + where
                        + " does not match its checksum (SHA-256 " + actual + ", manifest says " + graph.sha256() + ")",
                        "The file is corrupt or was changed without updating manifest.json");
            }
            Path folder = ExternalData.check(bytes, graph.file(), source);
            if (folder != null) {
                externalDataFolders.put(graph, folder);
            }
            graphs.put(graph, bytes);
        }
        return new ModelPackage(where, manifest, Map.copyOf(graphs), Map.copyOf(externalDataFolders));
    }

    /** A graph's bytes: its size checked against the manifest's (and the heap) before it is read. */
    private static byte[] readGraph(Source source, ModelManifest.Graph graph) throws EngineException {
        String where = source.describe();
        long limit = graph.bytes() > 0 ? Math.min(graph.bytes(), MAX_GRAPH_BYTES) : MAX_GRAPH_BYTES;
        try {
            byte[] bytes = source.read(graph.file(), limit, "a graph" + (graph.bytes() > 0
                    ? " whose manifest entry says " + graph.bytes() + " bytes" : " held in memory"));
            if (graph.bytes() > 0 && bytes.length != graph.bytes()) {
                throw new EngineException("graph " + graph.file() + " of model package " + where + " is "
                        + bytes.length + " bytes, its manifest entry says " + graph.bytes(),
                        "The file is truncated or was changed without updating manifest.json");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new EngineException("model package " + where + " lacks graph file " + graph.file()
                    + " named in its manifest (" + e.getMessage() + ")", "Restore the file or fix the manifest", e);
        } catch (IOException e) {
            throw new EngineException("cannot read graph " + graph.file() + " of model package " + where + ": "
                    + e.getMessage(), "Restore the file or fix the manifest", e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public String location() {
        return location;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** The verified ONNX bytes of one of the manifest's graphs. */
    public byte[] graph(ModelManifest.Graph graph) {
        byte[] bytes = graphs.get(graph);
        if (bytes == null) {
            throw new IllegalArgumentException("graph " + graph.file() + " is not one of this package's");
        }
        return bytes;
    }

    /**
     * The folder whose files the external data of a graph names (checked to exist inside the
     * package), for runtimes that load the graph from memory; empty when the graph has no
     * external data.
     */
    public Optional<Path> externalDataFolder(ModelManifest.Graph graph) {
        return Optional.ofNullable(externalDataFolders.get(graph));
    }
}
