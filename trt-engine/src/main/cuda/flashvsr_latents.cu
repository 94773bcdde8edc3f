// FlashVSR's per-chunk latent arithmetic on the GPU, so that nothing latent-sized goes to the host
// between the DiT and the decoder, and the key cache is rebased where it lives. Each result is
// rounded as the host code it replaces rounds (ChunkRunner's one step, KeyCacheRebase), so FP32
// is bit-equal to it.
#include "half_math.h"
#include "rounded_math.h"

// The one step x0 = noise - v and the reorder from the DiT's [C, T, h, w] to the decoder's
// [T, C, h, w]: latents[(t * channels + c) * plane + p] = noise[(c * frames + t) * plane + p]
// - prediction[same], one float subtraction as ChunkRunner's x[i] -= prediction[i]. noise is
// float; prediction and latents float (0) or binary16 (1), as the engines' tensors are. One thread
// per latent, in the decoder's order.
extern "C" __global__ void one_step_latents(const float* __restrict__ noise, const void* __restrict__ prediction,
                                            int predictionHalf, void* __restrict__ latents, int latentsHalf,
                                            int channels, int frames, int plane) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long)channels * frames * plane) {
        return;
    }
    long long p = i % plane;
    long long tc = i / plane;
    long long c = tc % channels;
    long long t = tc / channels;
    long long from = (c * frames + t) * plane + p;
    store_element(latents, latentsHalf, i, add_rn(noise[from], -load_element(prediction, predictionHalf, from)));
}

// KeyCacheRebase on the GPU: rotates the first `pairs` (real, imaginary) pairs of every cached key
// vector (vectors x headDim, float (0) or binary16 (1)) in place by table[2j] = cos, table[2j + 1] =
// sin of pair j, which the host computes in double as KeyCacheRebase does. Like it: (a cos - b sin,
// a sin + b cos) in double, rounded to float (then to binary16 for HALF keys, as the host round
// trip of a HALF cache did). One thread per (vector, pair).
extern "C" __global__ void rope_rebase_keys(void* keys, int keysHalf, int vectors, int headDim, int pairs,
                                            const double* __restrict__ table) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long)vectors * pairs) {
        return;
    }
    long long j = i % pairs;
    long long re = i / pairs * headDim + 2 * j;
    double a = (double)load_element(keys, keysHalf, re);
    double b = (double)load_element(keys, keysHalf, re + 1);
    double cosine = table[2 * j];
    double sine = table[2 * j + 1];
    store_element(keys, keysHalf, re, (float)dadd_rn(dmul_rn(a, cosine), -dmul_rn(b, sine)));
    store_element(keys, keysHalf, re + 1, (float)dadd_rn(dmul_rn(a, sine), dmul_rn(b, cosine)));
}
