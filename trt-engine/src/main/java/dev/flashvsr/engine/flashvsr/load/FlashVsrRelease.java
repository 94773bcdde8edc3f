package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.files.ModelFiles;
import dev.flashvsr.engine.weights.FiniteValues;
import dev.flashvsr.engine.weights.FloatTensor;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.TorchCheckpoint;
import dev.flashvsr.engine.weights.WeightSource;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An opened, validated FlashVSR release folder: the official {@code FlashVSR-v1.1/} files plus
 * {@code posi_prompt.pth} (upstream keeps it in {@code examples/WanVSR/prompt_tensor/}):
 * <ul>
 *   <li>{@value #DIT_FILE}: the DiT (safetensors, Wan2.1 names). Loaded strictly, as upstream does:
 *       every tensor must be a DiT tensor, except {@code LQ_proj_in.*} ones, which are ignored (the
 *       projector comes from its own file);</li>
 *   <li>{@value #LQ_PROJ_FILE}: the low-res projector's 8 tensors (torch zip, strict);</li>
 *   <li>{@value #TC_DECODER_FILE}: the TCDecoder's {@code decoder.*} tensors (torch zip; extra tensors
 *       are accepted, as upstream loads it with {@code strict=False}; missing ones are errors);</li>
 *   <li>{@value #PROMPT_FILE}: the fixed text context, one tensor {@code [1, length, text_dim]};</li>
 *   <li>{@value #CONFIG_FILE}, optional: overrides of {@link FlashVsrConfig#V1_1} in the format of the
 *       golden {@code release-layout/config.json}; see {@link #config()}.</li>
 * </ul>
 * Weight files stay open (nothing is read until a tensor is asked for) until
 * {@link #close()}. Nothing is executed while loading: the checkpoints go through
 * {@link TorchCheckpoint}'s restricted unpickler.
 */
public final class FlashVsrRelease implements Closeable {
    public static final String DIT_FILE = "diffusion_pytorch_model_streaming_dmd.safetensors";
    public static final String LQ_PROJ_FILE = "LQ_proj_in.ckpt";
    public static final String TC_DECODER_FILE = "TCDecoder.ckpt";
    public static final String PROMPT_FILE = "posi_prompt.pth";
    public static final String CONFIG_FILE = "config.json";
    static final String REMEDY = "Download the FlashVSR-v1.1 release again (" + DIT_FILE + ", " + LQ_PROJ_FILE + ", "
            + TC_DECODER_FILE + ") and " + PROMPT_FILE + " (examples/WanVSR/prompt_tensor/ of the FlashVSR repository) "
            + "into one folder";

    private final Path folder;
    private final FlashVsrConfig config;
    private final ReferenceRuns referenceRuns;
    private final WeightSource dit;
    private final WeightSource lqProj;
    private final WeightSource tcDecoder;
    private final FloatTensor textContext;

    private FlashVsrRelease(Path folder, FlashVsrConfig config, ReferenceRuns referenceRuns, WeightSource dit,
            WeightSource lqProj, WeightSource tcDecoder, FloatTensor textContext) {
        this.folder = folder;
        this.config = config;
        this.referenceRuns = referenceRuns;
        this.dit = dit;
        this.lqProj = lqProj;
        this.tcDecoder = tcDecoder;
        this.textContext = textContext;
    }

    /**
     * Opens a release folder being imported and validates it completely: all files present and
     * regular (links may point anywhere: download caches link into blob stores), every required
     * tensor present with the shape the resolved config implies and every value finite,
     * config.json consistent with the weights.
     *
     * @throws EngineException naming the file (and tensor, and expected and found shapes) at fault
     */
    public static FlashVsrRelease open(Path folder) throws EngineException {
        return open(folder, null, true);
    }

    /**
     * Opens the release files of a model package: as {@link #open(Path)}, but every file's real
     * path must lie inside {@code folder}, and the value scan (one pass over all weights) only
     * runs when asked for.
     */
    public static FlashVsrRelease openPackage(Path folder, boolean scanValues) throws EngineException {
        return open(folder, folder, scanValues);
    }

    /** @param linkRoot the folder every file must resolve into, or null for anywhere */
    private static FlashVsrRelease open(Path folder, Path linkRoot, boolean scanValues) throws EngineException {
        if (!Files.isDirectory(folder)) {
            throw new EngineException(folder + ": not a directory", REMEDY);
        }
        checkFiles(folder, linkRoot);
        Path configPath = folder.resolve(CONFIG_FILE);
        ConfigJson json = Files.exists(configPath, LinkOption.NOFOLLOW_LINKS)
                ? ConfigJson.read(configPath, checked(configPath, linkRoot)) : ConfigJson.absent(configPath);
        List<WeightSource> opened = new ArrayList<>();
        try {
            WeightSource dit = open(folder.resolve(DIT_FILE), opened);
            WeightSource lqProj = open(folder.resolve(LQ_PROJ_FILE), opened);
            WeightSource tcDecoder = open(folder.resolve(TC_DECODER_FILE), opened);
            Path promptPath = folder.resolve(PROMPT_FILE);
            TorchCheckpoint prompt = (TorchCheckpoint) open(promptPath, opened);
            if (!prompt.isSingleTensor()) {
                throw new EngineException(promptPath + ": holds a state dict of " + prompt.names().size()
                        + " tensors, expected one tensor (torch.save(tensor)) holding the text context", REMEDY);
            }
            String contextName = prompt.names().get(0);
            // The shape is checked before the tensor is read: a file of a few bytes can declare any size.
            FlashVsrConfig config = ConfigResolver.resolve(json, dit, lqProj, tcDecoder,
                    prompt.info(contextName).shape(), promptPath.toString());
            ExpectedTensors.check(dit, "DiT with " + describe(config.dit()), ExpectedTensors.dit(config.dit()), false,
                    ExpectedTensors.DIT_IGNORED_PREFIX);
            ExpectedTensors.check(lqProj, "low-res projector", ExpectedTensors.lqProj(config.lqProj()), false, null);
            ExpectedTensors.check(tcDecoder, "TCDecoder", ExpectedTensors.tcDecoder(config.tcDecoder()), true, null);
            if (scanValues) {
                for (WeightSource source : List.of(dit, lqProj, tcDecoder, prompt)) {
                    Optional<String> problem = FiniteValues.firstProblem(source);
                    if (problem.isPresent()) {
                        throw new EngineException(problem.get(), "The file is damaged or the model diverged in "
                                + "training; download the release again");
                    }
                }
            }
            FloatTensor context = prompt.readTensor(contextName);
            opened.remove(prompt);
            closeAll(List.of(prompt), null);
            return new FlashVsrRelease(folder, config, ReferenceRuns.from(json), dit, lqProj, tcDecoder, context);
        } catch (EngineException | RuntimeException e) {
            closeAll(opened, e);
            if (e instanceof IllegalArgumentException) {
                // A tensor too large for the heap (HeapCheck): the message names the file and tensor.
                throw new EngineException(e.getMessage(), REMEDY, e);
            }
            throw e;
        }
    }

    /** Closes read-only files; a failure to close is added to {@code failure} when there is one. */
    private static void closeAll(List<WeightSource> sources, Exception failure) {
        for (WeightSource source : sources) {
            try {
                source.close();
            } catch (IOException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /**
     * Checks the four weight files; every file that is missing or unusable (a FIFO, a device, a
     * loop, a link leaving the package) is named, missing ones in one list.
     */
    private static void checkFiles(Path folder, Path linkRoot) throws EngineException {
        List<String> missing = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        for (String file : List.of(DIT_FILE, LQ_PROJ_FILE, TC_DECODER_FILE, PROMPT_FILE)) {
            Path path = folder.resolve(file);
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                missing.add(file);
                continue;
            }
            try {
                checked(path, linkRoot);
            } catch (EngineException e) {
                unusable.add(e.getMessage());
            }
        }
        if (!unusable.isEmpty()) {
            throw new EngineException(String.join("; ", unusable)
                    + (missing.isEmpty() ? "" : "; " + folder + ": missing " + String.join(", ", missing)), REMEDY);
        }
        if (!missing.isEmpty()) {
            throw new EngineException(folder + ": missing " + String.join(", ", missing), REMEDY);
        }
    }

    /** The real path of a release file, inside {@code linkRoot} when one is given. */
    private static Path checked(Path path, Path linkRoot) throws EngineException {
        try {
            return linkRoot == null ? ModelFiles.regularFile(path) : ModelFiles.regularFileInside(path, linkRoot);
        } catch (IOException e) {
            throw new EngineException(e.getMessage(), REMEDY, e);
        }
    }

    private static String describe(FlashVsrConfig.Dit d) {
        return "dim " + d.dim() + ", ffn_dim " + d.ffnDim() + ", " + d.numLayers() + " layers";
    }

    private static WeightSource open(Path path, List<WeightSource> opened) throws EngineException {
        try {
            WeightSource source = path.getFileName().toString().endsWith(".safetensors") ? SafeTensors.open(path)
                    : TorchCheckpoint.open(path);
            opened.add(source);
            return source;
        } catch (IOException e) {
            throw new EngineException("cannot load " + path + ": " + e.getMessage(), REMEDY, e);
        }
    }

    /** The folder this was opened from. */
    public Path folder() {
        return folder;
    }

    /**
     * The resolved configuration. Dims that tensor shapes determine come from the weights
     * (checked against config.json where it gives them): DiT dim, ffn_dim, num_layers, in/out dims,
     * patch size, text_dim, freq_dim, lq_token_layers; projector hidden widths, out_dim, layer_num,
     * kernel; decoder channels, latent_channels, time_upscale. The others come from config.json,
     * else from {@link FlashVsrConfig#V1_1}: DiT num_heads, eps, RoPE theta and table length,
     * attention block window; projector variant ({@code lq_proj.variant}: "causal" = v1.1, the
     * default, or "buffer" = v1, which the weights cannot tell apart), in_dim, pixel shuffle, conv
     * stride, padding, pad mode; decoder conditioning pixel shuffle and channels, space_upscale,
     * frames_to_trim. Streaming parameters are the v1.1 defaults.
     */
    public FlashVsrConfig config() {
        return config;
    }

    /** config.json's {@code dit_test} / {@code pipeline_test} run parameters (golden data only). */
    public ReferenceRuns referenceRuns() {
        return referenceRuns;
    }

    /** The DiT's tensors, upstream WanModel names ({@code patch_embedding.weight}, {@code blocks.0...}). */
    public WeightSource dit() {
        return dit;
    }

    /** The low-res projector's tensors ({@code conv1.weight}, ..., {@code linear_layers.0.bias}). */
    public WeightSource lqProj() {
        return lqProj;
    }

    /** The TCDecoder's tensors ({@code decoder.<i>...}). */
    public WeightSource tcDecoder() {
        return tcDecoder;
    }

    /** The fixed text context {@code [1, length, text_dim]} as float32 (BF16 in the release, converted exactly). */
    public FloatTensor textContext() {
        return textContext;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (WeightSource source : List.of(dit, lqProj, tcDecoder)) {
            try {
                source.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
