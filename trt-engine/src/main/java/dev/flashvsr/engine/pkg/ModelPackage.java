package dev.flashvsr.engine.pkg;

import dev.flashvsr.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model package, loaded and verified: its manifest and the bytes of every graph, each checked
 * against the manifest's SHA-256. A package is a directory (or a class-path folder, for built-in
 * models) holding {@code manifest.json} and the graph files it names.
 */
public final class ModelPackage {
    private final String location;
    private final ModelManifest manifest;
    private final Map<Integer, byte[]> graphs;

    private ModelPackage(String location, ModelManifest manifest, Map<Integer, byte[]> graphs) {
        this.location = location;
        this.manifest = manifest;
        this.graphs = graphs;
    }

    /** Where files of a package come from. */
    interface Source {
        InputStream open(String relativePath) throws IOException;

        String describe();
    }

    /** Loads a package directory, or the directory of a {@code manifest.json} path. */
    public static ModelPackage load(Path path) throws EngineException {
        Path dir = Files.isDirectory(path) ? path : path.getParent();
        return load(new Source() {
            @Override
            public InputStream open(String relativePath) throws IOException {
                return Files.newInputStream(dir.resolve(relativePath));
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
            public InputStream open(String relativePath) throws IOException {
                InputStream in = ModelPackage.class.getResourceAsStream(folder + relativePath);
                if (in == null) {
                    throw new NoSuchFileException("class path " + folder + relativePath);
                }
                return in;
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
        try (InputStream in = source.open(ModelManifest.FILE_NAME)) {
            manifest = ManifestReader.read(in);
        } catch (NoSuchFileException e) {
            throw new EngineException("model package " + where + " has no " + ModelManifest.FILE_NAME,
                    "A model package is a directory with manifest.json and the graphs it names");
        } catch (ManifestReader.InvalidManifestException e) {
            throw new EngineException("the manifest of model package " + where + " is invalid: " + e.getMessage(),
                    "Fix manifest.json (format described in the README)");
        } catch (IOException e) {
            throw new EngineException("cannot read the manifest of model package " + where + ": " + e,
                    "Check the package's files and permissions", e);
        }
        Map<Integer, byte[]> graphs = new LinkedHashMap<>();
        for (ModelManifest.Graph graph : manifest.graphs()) {
            byte[] bytes;
            try (InputStream in = source.open(graph.file())) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new EngineException("model package " + where + " lacks graph file " + graph.file()
                        + " named in its manifest (" + e.getMessage() + ")", "Restore the file or fix the manifest", e);
            }
            String actual = sha256(bytes);
            if (!actual.equals(graph.sha256())) {
                throw new EngineException("graph " + graph.file() + " of model package " + where
                        + " does not match its checksum (SHA-256 " + actual + ", manifest says " + graph.sha256() + ")",
                        "The file is corrupt or was changed without updating manifest.json");
            }
            graphs.put(graph.scale(), bytes);
        }
        return new ModelPackage(where, manifest, Map.copyOf(graphs));
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

    /** The verified ONNX bytes of the graph for a scale. */
    public byte[] graph(int scale) {
        byte[] bytes = graphs.get(scale);
        if (bytes == null) {
            throw new IllegalArgumentException("no graph for scale " + scale);
        }
        return bytes;
    }
}
