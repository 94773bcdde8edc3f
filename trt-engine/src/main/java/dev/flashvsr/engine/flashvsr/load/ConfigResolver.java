package dev.flashvsr.engine.flashvsr.load;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.ChunkSchedule;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a release's {@link FlashVsrConfig}: every dimension that a tensor shape determines is
 * read from the weights (and must equal config.json's value when config.json gives one); the rest
 * comes from config.json, else from {@link FlashVsrConfig#V1_1}. Consistency between the three
 * models (projector width = DiT width, decoder input = conditioning + DiT output channels) is
 * checked here; every other tensor shape is checked by {@link ExpectedTensors}.
 */
final class ConfigResolver {
    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d{1,6})\\..*");
    private static final int RGB = 3;
    /** Output pixels per latent pixel along each axis (the VAE's factor the decoder reproduces). */
    private static final int LATENT_PIXEL = 8;
    /** Text context tokens accepted (upstream's prompt has 512). */
    static final int MAX_TEXT_TOKENS = 4096;
    /** RoPE table rows accepted (upstream: 1024); the tables are built per position. */
    static final int MAX_ROPE_POSITIONS = 1 << 16;
    private static final double MAX_ROPE_THETA = 1e9;

    private final ConfigJson json;

    private ConfigResolver(ConfigJson json) {
        this.json = json;
    }

    /** {@code contextShape}: shape of the text context tensor, from {@code contextOrigin}. */
    static FlashVsrConfig resolve(ConfigJson json, WeightSource dit, WeightSource lqProj, WeightSource tcDecoder,
            long[] contextShape, String contextOrigin) throws EngineException {
        ConfigResolver r = new ConfigResolver(json);
        FlashVsrConfig.Dit d = r.dit(dit, lqProj);
        FlashVsrConfig.LqProj l = r.lqProj(lqProj, d);
        FlashVsrConfig.TcDecoder t = r.tcDecoder(tcDecoder, d);
        r.checkContext(contextShape, contextOrigin, d);
        FlashVsrConfig config = new FlashVsrConfig(d, l, t, FlashVsrConfig.V1_1.streaming());
        r.checkStreamingLimits(config);
        return config;
    }

    /**
     * Checks the values the streaming graphs and schedule can express ({@link ChunkSchedule}: 4
     * frames per latent frame, 6 latent frames in the first chunk of which the decoder's first 3
     * frames are dropped, then 2 per chunk; model frames padded to multiples of 128 pixels, 8
     * pixels per latent pixel), so that a config.json outside them fails at import, naming its key,
     * and not when a stream starts.
     */
    private void checkStreamingLimits(FlashVsrConfig config) throws EngineException {
        FlashVsrConfig.Dit d = config.dit();
        if (!(d.eps() < 1)) {
            throw configError("dit", "eps", d.eps() + " is not below 1");
        }
        if (!(d.ropeTheta() > 1) || d.ropeTheta() > MAX_ROPE_THETA) {
            throw configError("dit", "rope_theta", d.ropeTheta() + " is outside (1, " + MAX_ROPE_THETA + "]");
        }
        int minPositions = 2 * config.streaming().kvRatio() + ChunkSchedule.CHUNK_LATENTS;
        if (d.ropeTablePositions() < minPositions || d.ropeTablePositions() > MAX_ROPE_POSITIONS) {
            throw configError("dit", "rope_table_positions", d.ropeTablePositions() + " is outside [" + minPositions
                    + ", " + MAX_ROPE_POSITIONS + "] (the key cache is rebased below the table's end, which needs "
                    + minPositions + " positions)");
        }
        Dims3 patch = d.patchSize();
        int latentPer128 = 128 / LATENT_PIXEL;
        if (patch.t() != 1 || latentPer128 % patch.h() != 0 || latentPer128 % patch.w() != 0) {
            throw configError("dit", "patch_size", patch + " must be (1, h, w) with h and w dividing " + latentPer128
                    + " (a 128-pixel side is " + latentPer128 + " latent pixels)");
        }
        Dims3 window = d.attentionBlockWindow();
        int tokensH = latentPer128 / patch.h();
        int tokensW = latentPer128 / patch.w();
        if (window.t() != ChunkSchedule.CHUNK_LATENTS || tokensH % window.h() != 0 || tokensW % window.w() != 0) {
            throw configError("dit", "attention_block_window_t_h_w", window + " must be (" + ChunkSchedule.CHUNK_LATENTS
                    + ", h, w) with h dividing " + tokensH + " and w dividing " + tokensW
                    + " (the tokens of a 128-pixel side)");
        }
        FlashVsrConfig.LqProj l = config.lqProj();
        if (l.inDim() != RGB) {
            throw configError("lq_proj", "in_dim", l.inDim() + ": the projector reads RGB frames (3)");
        }
        Dims3 shuffle = l.pixelShuffle();
        Dims3 needed = new Dims3(1, LATENT_PIXEL * patch.h(), LATENT_PIXEL * patch.w());
        if (!shuffle.equals(needed)) {
            throw configError("lq_proj", "pixel_shuffle_f_h_w", shuffle + " must be " + needed
                    + " so that the projector gives one token per DiT token");
        }
        FlashVsrConfig.LqProj upstream = FlashVsrConfig.V1_1.lqProj();
        if (!l.convStride().equals(upstream.convStride()) || !l.convPadding().equals(upstream.convPadding())
                || l.convKernel().t() != upstream.convKernel().t()) {
            throw configError("lq_proj", "conv_stride", l.convStride() + " with conv_padding " + l.convPadding()
                    + " and a kernel of " + l.convKernel().t() + " frames: the streaming projector turns 4 frames"
                    + " into one latent frame only with stride " + upstream.convStride() + ", padding "
                    + upstream.convPadding() + " and " + upstream.convKernel().t() + " frames");
        }
        FlashVsrConfig.TcDecoder t = config.tcDecoder();
        FlashVsrConfig.TcDecoder decoder = FlashVsrConfig.V1_1.tcDecoder();
        if (!t.timeUpscale().equals(decoder.timeUpscale())) {
            throw configError("tcdecoder", "time_upscale", t.timeUpscale() + " must be " + decoder.timeUpscale()
                    + " (" + ChunkSchedule.FRAMES_PER_LATENT + " frames per latent frame)");
        }
        if (!t.spaceUpscale().equals(decoder.spaceUpscale())) {
            throw configError("tcdecoder", "space_upscale", t.spaceUpscale() + " must be " + decoder.spaceUpscale()
                    + " (" + LATENT_PIXEL + " pixels per latent pixel)");
        }
        if (!t.condPixelShuffle().equals(decoder.condPixelShuffle())) {
            throw configError("tcdecoder", "cond_pixel_shuffle_f_h_w", t.condPixelShuffle() + " must be "
                    + decoder.condPixelShuffle() + " (" + ChunkSchedule.FRAMES_PER_LATENT + " frames, "
                    + LATENT_PIXEL + " pixels per latent pixel)");
        }
        int trim = ChunkSchedule.FIRST_CHUNK_LATENTS * ChunkSchedule.FRAMES_PER_LATENT
                - ChunkSchedule.FIRST_CHUNK_OUTPUTS;
        if (t.framesToTrim() != trim) {
            throw configError("tcdecoder", "frames_to_trim", t.framesToTrim() + " must be " + trim + " (the first "
                    + ChunkSchedule.FIRST_CHUNK_LATENTS + " latent frames decode to "
                    + ChunkSchedule.FIRST_CHUNK_LATENTS * ChunkSchedule.FRAMES_PER_LATENT + " frames, of which "
                    + ChunkSchedule.FIRST_CHUNK_OUTPUTS + " are output)");
        }
    }

    private FlashVsrConfig.Dit dit(WeightSource dit, WeightSource lqProj) throws EngineException {
        FlashVsrConfig.Dit defaults = FlashVsrConfig.V1_1.dit();
        String s = "dit";
        Shape patch = Shape.of(dit, "patch_embedding.weight", 5);
        int dim = checked(s, "dim", patch.dim(0), patch);
        int inDim = checked(s, "in_dim", patch.dim(1), patch);
        Dims3 patchSize = checked(s, "patch_size", new Dims3(patch.dim(2), patch.dim(3), patch.dim(4)), patch);
        Shape text = Shape.of(dit, "text_embedding.0.weight", 2);
        int textDim = checked(s, "text_dim", text.dim(1), text);
        Shape time = Shape.of(dit, "time_embedding.0.weight", 2);
        int freqDim = checked(s, "freq_dim", time.dim(1), time);
        Shape ffn = Shape.of(dit, "blocks.0.ffn.0.weight", 2);
        int ffnDim = checked(s, "ffn_dim", ffn.dim(0), ffn);
        int layers = checked(s, "num_layers", blockCount(dit), dit.origin() + " blocks.<i>.* tensors");
        Shape head = Shape.of(dit, "head.head.weight", 2);
        if (head.dim(0) % patchSize.product() != 0) {
            throw new EngineException(head + ": " + head.dim(0) + " outputs are not a multiple of the patch size "
                    + patchSize + " (" + patchSize.product() + " values per token and channel)", FlashVsrRelease.REMEDY);
        }
        int outDim = checked(s, "out_dim", head.dim(0) / patchSize.product(), head);
        Shape.of(lqProj, "linear_layers.0.weight", 2); // present, so that the count below is at least 1
        int lqLayers = checked(s, "lq_token_layers", linearLayerCount(lqProj), lqProj.origin()
                + " linear_layers.<i>.weight tensors");

        int heads = json.integer(s, "num_heads").orElse(defaults.numHeads());
        if (heads < 1 || dim % heads != 0) {
            throw configError(s, "num_heads", heads + " does not divide dit.dim " + dim + " (from " + patch + ")");
        }
        int headDim = dim / heads;
        if (headDim % 2 != 0) {
            throw configError(s, "num_heads", heads + " gives an odd head dim " + headDim
                    + "; RoPE rotates pairs of dims");
        }
        checkSame(s, "head_dim", json.integer(s, "head_dim"), headDim, "dit.dim " + dim + " / dit.num_heads " + heads);
        double eps = positive(s, "eps", json.number(s, "eps").orElse(defaults.eps()));
        double theta = positive(s, "rope_theta", json.number(s, "rope_theta").orElse(defaults.ropeTheta()));
        int positions = json.integer(s, "rope_table_positions").orElse(defaults.ropeTablePositions());
        positive(s, "rope_table_positions", positions);
        Dims3 window = json.dims3(s, "attention_block_window_t_h_w").orElse(defaults.attentionBlockWindow());
        positive(s, "attention_block_window_t_h_w", window);
        FlashVsrConfig.Dit resolved = new FlashVsrConfig.Dit(dim, ffnDim, layers, heads, inDim, outDim, textDim,
                freqDim, patchSize, eps, theta, positions, lqLayers, window);
        Dims3 split = resolved.ropeHeadDimSplit();
        Optional<List<Integer>> configuredSplit = json.integers(s, "rope_head_dim_split_t_h_w", 3);
        checkSame(s, "rope_head_dim_split_t_h_w", configuredSplit.map(v -> new Dims3(v.get(0), v.get(1), v.get(2))),
                split, "head dim " + headDim + " (h = w = 2 * floor(head_dim / 6), t = the rest)");
        return resolved;
    }

    private FlashVsrConfig.LqProj lqProj(WeightSource lq, FlashVsrConfig.Dit dit) throws EngineException {
        FlashVsrConfig.LqProj defaults = FlashVsrConfig.V1_1.lqProj();
        String s = "lq_proj";
        String variantName = json.text(s, "variant").orElse(defaults.variant().configName());
        LqProjVariant variant = LqProjVariant.forConfigName(variantName);
        if (variant == null) {
            throw configError(s, "variant", "\"" + variantName + "\" is neither \"causal\" (v1.1 Causal_LQ4x_Proj) "
                    + "nor \"buffer\" (v1 Buffer_LQ4x_Proj)");
        }
        Shape conv1 = Shape.of(lq, "conv1.weight", 5);
        Shape conv2 = Shape.of(lq, "conv2.weight", 5);
        Shape linear = Shape.of(lq, "linear_layers.0.weight", 2);
        int hidden1 = checked(s, "hidden_dim1", conv1.dim(0), conv1);
        int hidden2 = checked(s, "hidden_dim2", conv2.dim(0), conv2);
        Dims3 kernel = checked(s, "conv_kernel", new Dims3(conv1.dim(2), conv1.dim(3), conv1.dim(4)), conv1);
        int outDim = checked(s, "out_dim", linear.dim(0), linear);
        int layers = checked(s, "layer_num", linearLayerCount(lq), lq.origin() + " linear_layers.<i>.weight tensors");
        int inDim = json.integer(s, "in_dim").orElse(defaults.inDim());
        Dims3 shuffle = json.dims3(s, "pixel_shuffle_f_h_w").orElse(defaults.pixelShuffle());
        if ((long) inDim * shuffle.t() * shuffle.h() * shuffle.w() != conv1.dim(1)) {
            throw new EngineException(conv1 + " takes " + conv1.dim(1) + " input channels, but lq_proj.in_dim "
                    + inDim + " pixel-shuffled by " + shuffle + " gives " + (long) inDim * shuffle.t() * shuffle.h()
                    * shuffle.w() + (json.present() ? " (" + json.path() + ")" : " (FlashVSR v1.1 defaults)"),
                    remedy());
        }
        if (outDim != dit.dim()) {
            throw new EngineException(linear + " projects to " + outDim + " channels, but the DiT's dim is "
                    + dit.dim() + ": the projector and the DiT do not belong together", FlashVsrRelease.REMEDY);
        }
        Dims3 stride = json.dims3(s, "conv_stride").orElse(defaults.convStride());
        positive(s, "conv_stride", stride);
        Dims3 padding = json.dims3(s, "conv_padding").orElse(defaults.convPadding());
        String padMode = json.text(s, "pad_mode").orElse(defaults.padMode());
        if (!padMode.equals(FlashVsrConfig.LqProj.REPLICATE)) {
            throw configError(s, "pad_mode", "\"" + padMode + "\" is not supported (FlashVSR uses \"replicate\")");
        }
        return new FlashVsrConfig.LqProj(variant, inDim, shuffle, hidden1, hidden2, outDim, layers, kernel, stride,
                padding, padMode);
    }

    private FlashVsrConfig.TcDecoder tcDecoder(WeightSource tc, FlashVsrConfig.Dit dit) throws EngineException {
        FlashVsrConfig.TcDecoder defaults = FlashVsrConfig.V1_1.tcDecoder();
        String s = "tcdecoder";
        Shape first = Shape.of(tc, "decoder.1.weight", 4);
        Shape[] stages = {first, Shape.of(tc, "decoder.10.weight", 4), Shape.of(tc, "decoder.16.weight", 4),
            Shape.of(tc, "decoder.22.weight", 4)};
        List<Integer> channels = new ArrayList<>();
        for (Shape stage : stages) {
            channels.add(stage.dim(0));
        }
        checkSame(s, "channels", json.integers(s, "channels", 4), channels, tc.origin()
                + " decoder.{1,10,16,22}.weight output channels");
        int latentChannels = checked(s, "latent_channels", first.dim(1), first);
        List<Boolean> timeUpscale = new ArrayList<>();
        String[] grows = {"decoder.15.conv.weight", "decoder.21.conv.weight"};
        for (int i = 0; i < grows.length; i++) {
            Shape grow = Shape.of(tc, grows[i], 4);
            int width = channels.get(i + 1);
            if (grow.dim(0) != width && grow.dim(0) != 2 * width) {
                throw new EngineException(grow + ": a temporal grow layer of " + width + " channels has " + width
                        + " or " + 2 * width + " outputs", FlashVsrRelease.REMEDY);
            }
            timeUpscale.add(grow.dim(0) == 2 * width);
        }
        checkSame(s, "time_upscale", json.booleans(s, "time_upscale", 2), timeUpscale, tc.origin()
                + " decoder.{15,21}.conv.weight output channels");
        Dims3 condShuffle = json.dims3(s, "cond_pixel_shuffle_f_h_w").orElse(defaults.condPixelShuffle());
        int condChannels = json.integer(s, "cond_channels").orElse(RGB * condShuffle.product());
        if (condChannels != RGB * condShuffle.product()) {
            throw configError(s, "cond_channels", condChannels + " is not 3 x tcdecoder.cond_pixel_shuffle_f_h_w "
                    + condShuffle + " = " + RGB * condShuffle.product());
        }
        if (latentChannels != condChannels + dit.outDim()) {
            throw new EngineException(first + " takes " + latentChannels + " input channels, but the decoder needs "
                    + condChannels + " conditioning + " + dit.outDim() + " latent (dit.out_dim) channels = "
                    + (condChannels + dit.outDim()), FlashVsrRelease.REMEDY);
        }
        List<Boolean> spaceUpscale = json.booleans(s, "space_upscale", 3).orElse(defaults.spaceUpscale());
        int trim = json.integer(s, "frames_to_trim").orElse(defaults.framesToTrim());
        if (trim < 0) {
            throw configError(s, "frames_to_trim", trim + " is negative");
        }
        return new FlashVsrConfig.TcDecoder(channels, latentChannels, condChannels, condShuffle, timeUpscale,
                spaceUpscale, trim);
    }

    private void checkContext(long[] shape, String origin, FlashVsrConfig.Dit dit) throws EngineException {
        if (shape.length != 3 || shape[0] != 1 || shape[2] != dit.textDim() || shape[1] < 1
                || shape[1] > MAX_TEXT_TOKENS) {
            throw new EngineException(origin + ": text context has shape " + Arrays.toString(shape)
                    + ", expected [1, <length 1.." + MAX_TEXT_TOKENS + ">, " + dit.textDim()
                    + "] (dit.text_dim from text_embedding.0.weight)", FlashVsrRelease.REMEDY);
        }
        Optional<List<Integer>> configured = json.integers("text_context", "shape", 3);
        List<Integer> found = List.of((int) shape[0], (int) shape[1], (int) shape[2]);
        checkSame("text_context", "shape", configured, found, origin + " text context");
    }

    // ---- helpers ----

    /** A tensor's shape with its origin, as "file tensor 'name' of shape [..]" in messages. */
    private record Shape(String origin, String tensor, long[] dims) {
        static Shape of(WeightSource source, String tensor, int rank) throws EngineException {
            if (!source.contains(tensor)) {
                throw new EngineException(source.origin() + ": missing tensor '" + tensor + "'",
                        FlashVsrRelease.REMEDY);
            }
            long[] dims = source.info(tensor).shape();
            Shape shape = new Shape(source.origin(), tensor, dims);
            if (dims.length != rank) {
                throw new EngineException(shape + " has rank " + dims.length + ", expected " + rank,
                        FlashVsrRelease.REMEDY);
            }
            for (long d : dims) {
                if (d < 1 || d > Integer.MAX_VALUE) {
                    throw new EngineException(shape + " has an empty or oversized dimension", FlashVsrRelease.REMEDY);
                }
            }
            return shape;
        }

        int dim(int axis) {
            return (int) dims[axis];
        }

        @Override
        public String toString() {
            return origin + ": tensor '" + tensor + "' of shape " + Arrays.toString(dims);
        }
    }

    private int checked(String section, String key, int fromWeights, Object evidence) throws EngineException {
        checkSame(section, key, json.integer(section, key), fromWeights, evidence.toString());
        return fromWeights;
    }

    private Dims3 checked(String section, String key, Dims3 fromWeights, Object evidence) throws EngineException {
        checkSame(section, key, json.dims3(section, key), fromWeights, evidence.toString());
        return fromWeights;
    }

    private <T> void checkSame(String section, String key, Optional<T> configured, T actual, String evidence)
            throws EngineException {
        if (configured.isPresent() && !configured.get().equals(actual)) {
            throw new EngineException(json.path() + ": " + ConfigJson.key(section, key) + " = " + configured.get()
                    + " does not match the weights: " + evidence + " gives " + actual, ConfigJson.REMEDY);
        }
    }

    private EngineException configError(String section, String key, String problem) {
        String source = json.present() ? json.path().toString() : "FlashVSR v1.1 default (no " + json.path() + ")";
        return new EngineException(source + ": " + ConfigJson.key(section, key) + " = " + problem, remedy());
    }

    /** What to do about a value that config.json gave, or that the v1.1 defaults gave for lack of one. */
    private String remedy() {
        return json.present() ? ConfigJson.REMEDY : "These weights are not FlashVSR v1.1: add a config.json (same "
                + "format as the golden release-layout/config.json) with this model's values";
    }

    private double positive(String section, String key, double value) throws EngineException {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw configError(section, key, value + " must be positive");
        }
        return value;
    }

    private void positive(String section, String key, int value) throws EngineException {
        if (value < 1) {
            throw configError(section, key, value + " must be positive");
        }
    }

    private void positive(String section, String key, Dims3 value) throws EngineException {
        if (value.t() < 1 || value.h() < 1 || value.w() < 1) {
            throw configError(section, key, value + " must be positive");
        }
    }

    private static int blockCount(WeightSource dit) throws EngineException {
        int count = 0;
        for (String name : dit.names()) {
            Matcher m = BLOCK.matcher(name);
            if (m.matches()) {
                count = Math.max(count, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (count == 0) {
            throw new EngineException(dit.origin() + ": no blocks.<i>.* tensors: not a Wan DiT", FlashVsrRelease.REMEDY);
        }
        return count;
    }

    private static int linearLayerCount(WeightSource lq) {
        int count = 0;
        while (lq.contains("linear_layers." + count + ".weight")) {
            count++;
        }
        return count;
    }
}
