package dev.flashvsr.engine.flashvsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.flashvsr.graph.LinearQuantization;
import dev.flashvsr.engine.flashvsr.link.FileRecord;
import dev.flashvsr.engine.flashvsr.link.Sha256;
import dev.flashvsr.engine.flashvsr.load.FlashVsrConfig;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.pkg.ModelPackage;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.WeightSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

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
 * and, once the package is calibrated for int8 ({@link FlashVsrCalibration}),
 * {@code "int8Scales": {"file": "int8-scales-<digest>.json", "sha256": "..."}} ({@link Int8Scales},
 * checked at every open). {@code topkRatio} is optional: without it LCSA keeps upstream's
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
    /** The manifest's record of the int8 scales file. */
    static final String INT8_SCALES_KEY = "int8Scales";
    private static final String INT8_SCALES_PATTERN = "int8-scales-[0-9a-f]{16}\\.json";
    private static final long MAX_SCALES_BYTES = 1L << 20;

    private final Path folder;
    private final String name;
    private final String description;
    private final FlashVsrGraphs.Attention attention;
    private final FlashVsrRelease release;
    private final String contentKey;
    private final Int8Scales int8Scales;

    private FlashVsrPackage(Path folder, String name, String description, FlashVsrGraphs.Attention attention,
            FlashVsrRelease release, String contentKey, Int8Scales int8Scales) {
        this.folder = folder;
        this.name = name;
        this.description = description;
        this.attention = attention;
        this.release = release;
        this.contentKey = contentKey;
        this.int8Scales = int8Scales;
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
     * Whether the package's manifest records INT8 scales, read without opening the package (the
     * scales file itself is checked when the package opens). An unreadable manifest says no.
     */
    public static boolean declaresInt8Scales(Path folder) {
        try {
            return readManifest(folder, folder.resolve("manifest.json")).has(INT8_SCALES_KEY);
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
            Int8Scales scales = readInt8Scales(folder, manifest, root.get(INT8_SCALES_KEY),
                    LinearQuantization.layerNames(release.config().dit().numLayers()));
            return new FlashVsrPackage(folder, root.path("name").asText(folder.getFileName().toString()),
                    root.path("description").asText(""), attention, release, contentKey(attention, files), scales);
        } catch (EngineException e) {
            closeQuietly(release);
            throw e;
        }
    }

    /**
     * The scales file the manifest records ({@code "int8Scales": {"file": ..., "sha256": ...}}),
     * checked against its digest and against the DiT's layers; null when none is recorded.
     */
    private static Int8Scales readInt8Scales(Path folder, Path manifest, JsonNode record, List<String> layers)
            throws EngineException {
        if (record == null) {
            return null;
        }
        String file = record.path("file").asText("");
        String sha256 = record.path("sha256").asText("");
        if (!file.matches(INT8_SCALES_PATTERN) || !Sha256.isDigest(sha256)) {
            throw new EngineException(manifest + ": " + INT8_SCALES_KEY
                    + " must be {\"file\": \"int8-scales-<digest>.json\", "
                    + "\"sha256\": <64 hex digits>}, not " + record, "Calibrate the package again");
        }
        Path path = folder.resolve(file);
        byte[] bytes;
        try {
            bytes = ModelFiles.readBounded(ModelFiles.regularFileInside(path, folder), MAX_SCALES_BYTES,
                    "an int8 scales file");
        } catch (IOException e) {
            throw new EngineException("cannot read " + path + ", which " + manifest + " records: " + e.getMessage(),
                    "Calibrate the package again", e);
        }
        if (!Sha256.ofBytes(bytes).equals(sha256)) {
            throw new EngineException(path + " changed after calibration: its SHA-256 is " + Sha256.ofBytes(bytes)
                    + ", " + manifest + " records " + sha256, "Calibrate the package again");
        }
        return Int8Scales.parse(bytes, path.toString(), layers);
    }

    /**
     * Puts {@code json} (an {@link Int8Scales} file) into the package at {@code folder} and records
     * it in the manifest, each file written beside its target and renamed over it in one step: the
     * scales go to a new file named after their digest, so until the manifest names it, the
     * package keeps its previous scales (or none); the previous file is deleted afterwards.
     */
    static Path recordInt8Scales(Path folder, byte[] json) throws IOException {
        Path manifest = folder.resolve(MANIFEST);
        JsonNode root = readManifest(folder, manifest);
        if (!(root instanceof ObjectNode object)) {
            throw new IOException(manifest + " is not a JSON object");
        }
        String sha256 = Sha256.ofBytes(json);
        String file = "int8-scales-" + sha256.substring(0, 16) + ".json";
        JsonNode previous = object.path(INT8_SCALES_KEY).path("file");
        writeAtomically(folder.resolve(file), json);
        object.putObject(INT8_SCALES_KEY).put("file", file).put("sha256", sha256);
        writeAtomically(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(object));
        if (previous.isTextual() && previous.asText().matches(INT8_SCALES_PATTERN) && !previous.asText().equals(file)) {
            Files.deleteIfExists(folder.resolve(previous.asText()));
        }
        return folder.resolve(file);
    }

    /** Writes a temporary file beside {@code target}, forces it to disk and renames it over {@code target}. */
    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
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

    /** The activation scales of the int8 DiT, when the package was calibrated. */
    Optional<Int8Scales> int8Scales() {
        return Optional.ofNullable(int8Scales);
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
