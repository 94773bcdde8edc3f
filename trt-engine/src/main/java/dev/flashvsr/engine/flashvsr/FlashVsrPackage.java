package dev.flashvsr.engine.flashvsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.flashvsr.link.FileRecord;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A FlashVSR model package, as {@code flashvsr import} writes it: the official release files
 * (DiT safetensors, {@code LQ_proj_in.ckpt}, {@code TCDecoder.ckpt}, {@code posi_prompt.pth},
 * optional {@code config.json}), validated at import and read again through the restricted
 * checkpoint reader, plus {@code manifest.json}:
 *
 * <pre>{"format": "flashvsr-streaming/1", "name": "...", "description": "...",
 *  "attention": {"mode": "lcsa" | "dense", "localRange": 11, "sparseRatio": 2.0, "topkRatio": 2.0},
 *  "files": {"LQ_proj_in.ckpt": {"size": 918509, "sha256": "...", "modified": "..."}, ...}}</pre>
 *
 * {@code topkRatio} is optional: without it LCSA keeps upstream's
 * {@code sparseRatio * 768 * 1280 / (H * W)} share of key blocks. {@code files} records each
 * release file at import; a file changed since is refused at open ({@link PackageFiles}). The
 * graphs are built for each stream's frame size when the stream starts.
 */
public final class FlashVsrPackage implements AutoCloseable {
    public static final String FORMAT = "flashvsr-streaming/1";
    public static final String MANIFEST = "manifest.json";
    /** The one denoising step's timestep (upstream: 1000 with flow-matching shift 5 gives 1000). */
    static final double TIMESTEP = 1000.0;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;
    private final String name;
    private final String description;
    private final FlashVsrGraphs.Attention attention;
    private final FlashVsrRelease release;
    private final String contentKey;

    private FlashVsrPackage(Path folder, String name, String description, FlashVsrGraphs.Attention attention,
            FlashVsrRelease release, String contentKey) {
        this.folder = folder;
        this.name = name;
        this.description = description;
        this.attention = attention;
        this.release = release;
        this.contentKey = contentKey;
    }

    /**
     * Whether {@code manifest} (a manifest.json) declares a FlashVSR package. A file that cannot be
     * read safely says no; loading it as another kind of package then reports why.
     */
    public static boolean isFlashVsrManifest(Path manifest) {
        try {
            JsonNode format = readManifest(manifest.getParent(), manifest).get("format");
            return format != null && FORMAT.equals(format.asText());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Opens a package for streaming: its files are checked against the manifest's records; the
     * weights of a package without records (imported before they existed) are scanned for
     * non-finite values, since nothing else shows they are those that import validated.
     */
    public static FlashVsrPackage open(Path folder) throws EngineException {
        return open(folder, true);
    }

    /**
     * Opens a package; {@code scanValues} false skips the pass over all weights (for a package
     * whose release was just scanned by {@link FlashVsrImport}).
     */
    static FlashVsrPackage open(Path folder, boolean scanValues) throws EngineException {
        Path manifest = folder.resolve(MANIFEST);
        JsonNode root;
        try {
            root = readManifest(folder, manifest);
        } catch (IOException e) {
            throw new EngineException("cannot read " + manifest + ": " + e.getMessage(),
                    "Write the package with flashvsr import", e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new EngineException(manifest + " is not a FlashVSR package manifest (format " + FORMAT + ")",
                    "Write the package with flashvsr import");
        }
        PackageFiles files = PackageFiles.read(folder, manifest, root);
        files.verify();
        FlashVsrRelease release = FlashVsrRelease.openPackage(folder, scanValues && !files.recorded());
        try {
            FlashVsrGraphs.Attention attention = attention(manifest, root.path("attention"),
                    release.config().streaming());
            return new FlashVsrPackage(folder, root.path("name").asText(folder.getFileName().toString()),
                    root.path("description").asText(""), attention, release, contentKey(attention, files));
        } catch (EngineException e) {
            closeQuietly(release);
            throw e;
        }
    }

    private static JsonNode readManifest(Path folder, Path manifest) throws IOException {
        return JSON.readTree(ModelFiles.readBounded(ModelFiles.regularFileInside(manifest, folder),
                ModelPackage.MAX_MANIFEST_BYTES, "a manifest"));
    }

    /** The manifest's attention settings, each checked to be a number in the range the graphs take. */
    private static FlashVsrGraphs.Attention attention(Path manifest, JsonNode a, FlashVsrConfig.Streaming defaults)
            throws EngineException {
        String mode = a.path("mode").asText("lcsa");
        if (!mode.equals("lcsa") && !mode.equals("dense")) {
            throw new EngineException(manifest + ": attention.mode must be lcsa or dense, not " + mode,
                    "Fix the manifest or re-import");
        }
        if (mode.equals("dense")) {
            return null;
        }
        double localRange = number(manifest, a, "localRange", defaults.localRange());
        if (localRange != Math.rint(localRange)) {
            throw new EngineException(manifest + ": attention.localRange must be an integer, not " + localRange,
                    "Fix the manifest or re-import");
        }
        AttentionLimits.checkLocalRange((int) localRange, "attention.localRange in " + manifest);
        double sparseRatio = number(manifest, a, "sparseRatio", defaults.sparseRatio());
        AttentionLimits.checkRatio(sparseRatio, "attention.sparseRatio in " + manifest);
        Double topkRatio = a.has("topkRatio") ? number(manifest, a, "topkRatio", 0) : null;
        if (topkRatio != null) {
            AttentionLimits.checkRatio(topkRatio, "attention.topkRatio in " + manifest);
        }
        return new FlashVsrGraphs.Attention((int) localRange, sparseRatio, topkRatio);
    }

    private static double number(Path manifest, JsonNode a, String key, double absent) throws EngineException {
        JsonNode value = a.get(key);
        if (value == null) {
            return absent;
        }
        if (!value.isNumber()) {
            throw new EngineException(manifest + ": attention." + key + " must be a number, not " + value,
                    "Fix the manifest or re-import");
        }
        return value.doubleValue();
    }

    /**
     * The digest of what the graphs are made from: format, attention settings and each file's
     * recorded digest (size and time for packages from before records).
     */
    private static String contentKey(FlashVsrGraphs.Attention attention, PackageFiles files) throws EngineException {
        StringBuilder identity = new StringBuilder("format ").append(FORMAT).append('\n');
        identity.append(attention == null ? "attention dense" : "attention lcsa localRange " + attention.localRange()
                + " sparseRatio " + attention.sparseRatio() + " topkRatio " + attention.fixedTopkRatio()).append('\n');
        for (String line : files.identity()) {
            identity.append(line).append('\n');
        }
        return Sha256.ofText(identity.toString());
    }

    /**
     * Writes the manifest of a package into {@code folder} (whose release files are already there).
     *
     * @param topkRatio a fixed LCSA top-k ratio, or null for upstream's rule
     * @param files     the records of the package's files, in {@link PackageFiles#NAMES} order
     */
    static void writeManifest(Path folder, String name, String description, boolean dense, int localRange,
            double sparseRatio, Double topkRatio, List<FileRecord> files) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", name);
        root.put("description", description);
        ObjectNode a = root.putObject("attention");
        a.put("mode", dense ? "dense" : "lcsa");
        a.put("localRange", localRange);
        a.put("sparseRatio", sparseRatio);
        if (topkRatio != null) {
            a.put("topkRatio", topkRatio);
        }
        PackageFiles.write(root, files);
        mapper.writerWithDefaultPrettyPrinter().writeValue(folder.resolve(MANIFEST).toFile(), root);
    }

    private static void closeQuietly(FlashVsrRelease release) {
        try {
            release.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }

    public Path folder() {
        return folder;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /**
     * A SHA-256 (64 hex digits) of the package's content as far as graphs depend on it: the
     * manifest's format and attention settings and each file's recorded SHA-256 (for packages
     * imported before files were recorded: each file's size and modification time). Equal across
     * opens of an unchanged package, different after a re-import with other weights or attention
     * settings; name, description and the folder's path do not count. For keying caches of what is
     * built from the package.
     */
    public String contentKey() {
        return contentKey;
    }

    /** LCSA settings, or null for dense attention. */
    FlashVsrGraphs.Attention attention() {
        return attention;
    }

    public FlashVsrConfig config() {
        return release.config();
    }

    WeightSource dit() {
        return release.dit();
    }

    WeightSource lqProj() {
        return release.lqProj();
    }

    WeightSource tcDecoder() {
        return release.tcDecoder();
    }

    FloatTensor textContext() {
        return release.textContext();
    }

    @Override
    public void close() {
        closeQuietly(release);
    }
}
