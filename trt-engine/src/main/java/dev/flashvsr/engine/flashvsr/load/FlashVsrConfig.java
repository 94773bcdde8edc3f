package dev.flashvsr.engine.flashvsr.load;

import java.util.List;
import java.util.Objects;

/**
 * The dimensions and constants of a FlashVSR model: the DiT (Wan2.1 layout), the low-res
 * projector, the TCDecoder, and the streaming defaults. {@link #V1_1} holds the official FlashVSR
 * v1.1 values (Wan2.1-T2V-1.3B); {@link FlashVsrRelease} resolves a release folder's config from
 * its weights' shapes and its optional {@code config.json}. Field names follow config.json's keys
 * ({@code ffnDim} = {@code ffn_dim}, ...).
 */
public record FlashVsrConfig(Dit dit, LqProj lqProj, TcDecoder tcDecoder, Streaming streaming) {

    /** FlashVSR v1.1 as released: Wan2.1-1.3B DiT, 768→2048→3072→1536 projector, [512,256,128,128] decoder. */
    public static final FlashVsrConfig V1_1 = new FlashVsrConfig(
            new Dit(1536, 8960, 30, 12, 16, 16, 4096, 256, new Dims3(1, 2, 2), 1e-6, 10000.0, 1024, 1,
                    new Dims3(2, 8, 8)),
            new LqProj(LqProjVariant.CAUSAL, 3, new Dims3(1, 16, 16), 2048, 3072, 1536, 1, new Dims3(4, 3, 3),
                    new Dims3(2, 1, 1), new Dims3(1, 1, 1), LqProj.REPLICATE),
            new TcDecoder(List.of(512, 256, 128, 128), 784, 768, new Dims3(4, 8, 8), List.of(true, true),
                    List.of(true, true, true), 3),
            new Streaming(2.0, 3, 11));

    public FlashVsrConfig {
        Objects.requireNonNull(dit, "dit");
        Objects.requireNonNull(lqProj, "lqProj");
        Objects.requireNonNull(tcDecoder, "tcDecoder");
        Objects.requireNonNull(streaming, "streaming");
    }

    /**
     * The DiT.
     *
     * @param patchSize Conv3d patch embedding kernel = stride
     * @param ropeTablePositions positions per axis of the RoPE tables
     * @param lqTokenLayers number of blocks, from block 0, that get the projector's tokens added
     * @param attentionBlockWindow tokens per LCSA block along (latent frames, rows, columns)
     */
    public record Dit(int dim, int ffnDim, int numLayers, int numHeads, int inDim, int outDim, int textDim,
            int freqDim, Dims3 patchSize, double eps, double ropeTheta, int ropeTablePositions, int lqTokenLayers,
            Dims3 attentionBlockWindow) {

        public Dit {
            Objects.requireNonNull(patchSize, "patchSize");
            Objects.requireNonNull(attentionBlockWindow, "attentionBlockWindow");
            if (numHeads < 1 || dim % numHeads != 0) {
                throw new IllegalArgumentException("num_heads " + numHeads + " does not divide dim " + dim);
            }
        }

        /** dim / num_heads. */
        public int headDim() {
            return dim / numHeads;
        }

        /**
         * Head dims rotated by the temporal, row and column RoPE: h = w = 2 * floor(head_dim / 6),
         * t = head_dim - 2h (128 → 44, 42, 42; 32 → 12, 10, 10). Each is even: consecutive pairs are
         * rotated as complex numbers.
         */
        public Dims3 ropeHeadDimSplit() {
            int spatial = 2 * (headDim() / 6);
            return new Dims3(headDim() - 2 * spatial, spatial, spatial);
        }
    }

    /**
     * The low-res projector.
     *
     * @param pixelShuffle PixelShuffle3d factors taking {@code inDim} channels to
     *     {@code inDim * pixelShuffle.product()} before conv1
     * @param hiddenDim1 conv1 output channels
     * @param hiddenDim2 conv2 output channels
     * @param outDim output token width (= the DiT's dim)
     * @param layerNum number of output linear layers ({@code linear_layers.<i>})
     * @param padMode spatial padding mode of the causal convolutions (only {@value #REPLICATE})
     */
    public record LqProj(LqProjVariant variant, int inDim, Dims3 pixelShuffle, int hiddenDim1, int hiddenDim2,
            int outDim, int layerNum, Dims3 convKernel, Dims3 convStride, Dims3 convPadding, String padMode) {
        public static final String REPLICATE = "replicate";

        public LqProj {
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(pixelShuffle, "pixelShuffle");
            Objects.requireNonNull(convKernel, "convKernel");
            Objects.requireNonNull(convStride, "convStride");
            Objects.requireNonNull(convPadding, "convPadding");
            Objects.requireNonNull(padMode, "padMode");
        }

        /** conv1 input channels: {@code inDim * pixelShuffle.product()} (768). */
        public int shuffledChannels() {
            return inDim * pixelShuffle.product();
        }
    }

    /**
     * The TCDecoder.
     *
     * @param channels widths of its 4 stages ({@code decoder.1}, {@code .10}, {@code .16}, {@code .22})
     * @param latentChannels input channels: {@code condChannels} conditioning channels, then the latents
     * @param condPixelShuffle PixelShuffle3d factors of the RGB conditioning video (3 × 4 × 8 × 8 = 768)
     * @param timeUpscale whether the 2nd and 3rd temporal grow layers double the frame rate
     * @param spaceUpscale whether each of the 3 upsampling layers doubles height and width
     * @param framesToTrim frames dropped from the start of the first call's output
     */
    public record TcDecoder(List<Integer> channels, int latentChannels, int condChannels, Dims3 condPixelShuffle,
            List<Boolean> timeUpscale, List<Boolean> spaceUpscale, int framesToTrim) {

        public TcDecoder {
            channels = List.copyOf(channels);
            timeUpscale = List.copyOf(timeUpscale);
            spaceUpscale = List.copyOf(spaceUpscale);
            Objects.requireNonNull(condPixelShuffle, "condPixelShuffle");
            if (channels.size() != 4 || timeUpscale.size() != 2 || spaceUpscale.size() != 3) {
                throw new IllegalArgumentException("TCDecoder needs 4 channel widths, 2 time_upscale and 3 "
                        + "space_upscale flags, got " + channels + ", " + timeUpscale + ", " + spaceUpscale);
            }
        }

        /** Frame-rate factor of the temporal grow layer of stage {@code stage} (0, 1 or 2): 1 or 2. */
        public int timeStride(int stage) {
            return stage == 0 ? 1 : timeUpscale.get(stage - 1) ? 2 : 1;
        }
    }

    /**
     * Streaming defaults of the LCSA attention and KV cache.
     *
     * @param sparseRatio sparse_ratio; top-k ratio = sparseRatio × 768 × 1280 / (H × W)
     * @param kvRatio number of previous groups of 2 latent frames kept in the KV cache
     * @param localRange side of the spatial block window each query block may attend to
     */
    public record Streaming(double sparseRatio, int kvRatio, int localRange) {
    }
}
