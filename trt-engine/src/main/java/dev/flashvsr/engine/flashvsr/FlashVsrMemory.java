package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.MemoryEstimate;
import dev.flashvsr.engine.Precision;
import dev.flashvsr.engine.memory.MachineMemory;
import dev.flashvsr.engine.weights.WeightSource;
import java.util.regex.Pattern;

/**
 * What a FlashVSR stream needs in memory, known before anything is built or allocated:
 * <ul>
 *   <li>weights: the DiT tensors the graphs read (every block's self-attention, cross-attention
 *       query and output, FFN and norm, the patch embedding and head; not the text, time and
 *       cross-attention key/value layers, which are folded into constants), the folded prompt
 *       keys and values, the projector as float32 and the decoder, each mapped once; in fp16 the
 *       DiT's weights and prompt keys/values take 2 bytes a value, in int8 the quantized Linear
 *       weights ({@link dev.flashvsr.engine.flashvsr.graph.LinearQuantization}) 1 byte;
 *   <li>working memory: the JVM and runtime (measured about 0.6 GiB), the streaming state (the
 *       DiT's key/value cache, in native memory: the input and the output of a call), and the
 *       largest graph's activations: the decoder's first call ({@value #DECODER_FRAMES} output
 *       frames of 128 channels at full size, input and output of a convolution) or the first
 *       chunk's attention scores.
 * </ul>
 * Of the working memory, the Java heap holds the frames of a chunk in float ({@value #HEAP_FRAMES}
 * model frames), so the JVM's heap limit must leave room for them.
 * Measured on the full-size model (peak resident memory less the mapped weights): working memory
 * 1.3 GB at 128x128 and 3.0 GB at 256x256 (this estimate: 1.2 and 3.1 GB); 6.6 GB of weights
 * resident at both sizes.
 */
record FlashVsrMemory(long weights, long working, long heap) {
    private static final Pattern MAPPED_DIT = Pattern.compile(
            "patch_embedding\\..*|head\\.head\\..*|blocks\\.\\d+\\.(self_attn\\..*|cross_attn\\.(q|o|norm_q)\\..*"
                    + "|ffn\\..*|norm3\\..*)");
    private static final Pattern QUANTIZED_WEIGHT = Pattern.compile(
            "blocks\\.\\d+\\.(self_attn\\.[qkvo]|cross_attn\\.[qo]|ffn\\.[02])\\.weight");
    private static final long BASE = 600L << 20;
    /** Output frames of the decoder's first call (21 shown, 3 trimmed). */
    static final int DECODER_FRAMES = 24;
    private static final int DECODER_CHANNELS = 128;
    /** Copies of the key/value cache alive during a DiT call: the input and the output. */
    private static final int STATE_COPIES = 2;
    /** Model frames held in float at once: a chunk's inputs, conditioning and outputs. */
    static final int HEAP_FRAMES = 64;
    private static final long HEAP_BASE = 256L << 20;

    /** The estimate for fp32 graphs. */
    static FlashVsrMemory of(FlashVsrPackage pkg, int modelWidth, int modelHeight) {
        return of(pkg, modelWidth, modelHeight, Precision.FP32);
    }

    /** @param precision a concrete precision the graphs are built in */
    static FlashVsrMemory of(FlashVsrPackage pkg, int modelWidth, int modelHeight, Precision precision) {
        var d = pkg.config().dit();
        long weights = 0;
        for (String name : pkg.dit().names()) {
            if (MAPPED_DIT.matcher(name).matches()) {
                weights += ditWeightBytes(pkg.dit(), name, precision);
            }
        }
        long contextLength = pkg.textContext().shape()[pkg.textContext().shape().length - 2];
        weights += 2L * d.numLayers() * contextLength * d.dim() * computeBytes(precision);
        weights += floatBytes(pkg.lqProj()) + floatBytes(pkg.tcDecoder());

        long pixels = (long) modelWidth * modelHeight;
        long tokensPerLatent = pixels / (16 * 16);
        long cacheTokens = 2L * pkg.config().streaming().kvRatio() * tokensPerLatent;
        long state = STATE_COPIES * 2L * d.numLayers() * cacheTokens * d.dim() * Float.BYTES;
        long decoder = 2L * DECODER_FRAMES * DECODER_CHANNELS * pixels * Float.BYTES;
        long firstTokens = ChunkSchedule.FIRST_CHUNK_LATENTS * tokensPerLatent;
        long attention = 2L * d.numHeads() * firstTokens * firstTokens * Float.BYTES
                + 2L * firstTokens * d.ffnDim() * Float.BYTES;
        long heap = HEAP_BASE + HEAP_FRAMES * 3L * pixels * Float.BYTES;
        return new FlashVsrMemory(weights, BASE + state + Math.max(decoder, attention), heap);
    }

    /**
     * What one mapped DiT tensor takes: as stored in the package for fp32 (mapped where it lies),
     * 2 bytes a value for fp16/bf16, 1 byte for a quantized Linear weight in int8.
     */
    private static long ditWeightBytes(WeightSource dit, String name, Precision precision) {
        if (precision == Precision.INT8 && QUANTIZED_WEIGHT.matcher(name).matches()) {
            return dit.info(name).elementCount();
        }
        if (precision == Precision.FP16 || precision == Precision.BF16) {
            return dit.info(name).elementCount() * computeBytes(precision);
        }
        return dit.info(name).byteSize();
    }

    /** Bytes of a value in the type the DiT computes in (int8 graphs compute in float32). */
    private static int computeBytes(Precision precision) {
        return precision == Precision.FP16 || precision == Precision.BF16 ? 2 : Float.BYTES;
    }

    private static long floatBytes(WeightSource source) {
        long bytes = 0;
        for (String name : source.names()) {
            bytes += source.info(name).elementCount() * Float.BYTES;
        }
        return bytes;
    }

    long total() {
        return weights + working;
    }

    /**
     * Refuses, before anything is built or allocated, a stream whose needs exceed the memory
     * {@code machine} has available, with both numbers.
     */
    void check(MachineMemory machine, long maxHeap, String stream) throws EngineException {
        if (heap > maxHeap) {
            throw new EngineException(stream + " needs about " + MemoryEstimate.format(heap) + " of Java heap (its "
                    + "frames), but the JVM may use only " + MemoryEstimate.format(maxHeap),
                    "Give the JVM a larger heap: -XX:MaxRAMPercentage or -Xmx in FLASHVSR_JVM_OPTIONS (element) or "
                            + "FLASHVSR_JAVA_OPTS (flashvsr CLI), or feed smaller frames");
        }
        if (total() > machine.availableBytes()) {
            throw new EngineException(stream + " needs about " + MemoryEstimate.format(total()) + " of memory (weights "
                    + MemoryEstimate.format(weights) + ", mapped from the package and its graph cache; working memory "
                    + MemoryEstimate.format(working) + "), but only " + MemoryEstimate.format(machine.availableBytes())
                    + " is available (" + machine.source() + ")",
                    "Feed smaller frames or use scale 2, stop other programs, or use a machine with more memory");
        }
    }
}
