// Bicubic upscaling of planar NCHW images by an integer factor: dev.flashvsr.engine.bicubic.FloatBicubic
// on the GPU. Keys cubic convolution (a = -0.5); output position o samples source position
// (o + 0.5) / scale - 0.5 with four taps per axis, their indices clamped to the image. Plane c, row y,
// column x is element c * planeStride + y * rowStride + x of src or dst; srcHalf and dstHalf select
// float (0) or binary16 (1) elements: halves are widened exactly, outputs rounded to nearest even.
//
// One thread per output pixel, 2-D grid over (scale * srcWidth, scale * srcHeight), all channels.
// FloatBicubic filters rows horizontally first, then combines four filtered rows vertically; each
// thread recomputes the four horizontal sums it needs, which are the same floats. Every sum is
// ((w0 a + w1 b) + w2 c) + w3 d, each product and sum rounded on its own (the _rn helpers, no FMA),
// so the FP32 output equals FloatBicubic's bit for bit.
#include "half_math.h"
#include "rounded_math.h"

// The four taps of one output position along one axis: clamped source indices and their weights.
struct Taps {
    int index[4];
    float weight[4];
};

// Keys' kernel with a = -0.5 at distance ax >= 0, in KeysKernel.weight's operation order.
__device__ static inline float keys_weight(float ax) {
    if (ax <= 1.0f) {
        return add_rn(mul_rn(mul_rn(add_rn(mul_rn(1.5f, ax), -2.5f), ax), ax), 1.0f);
    }
    if (ax < 2.0f) {
        return add_rn(mul_rn(add_rn(mul_rn(add_rn(mul_rn(-0.5f, ax), 2.5f), ax), -4.0f), ax), 2.0f);
    }
    return 0.0f;
}

// FloatBicubic's taps for output position o along an axis of sourceLength samples: the clamped
// source indices and their weights. 2 * scale * position = 2o + 1 - scale is an integer, so the
// first tap (floor(position) - 1) and each tap's distance come from integers, without rounding.
// Java computes the weights in double and rounds them to float; here they are computed in float,
// which is exact for scales 2 and 4 (every distance is a multiple of 1/8, every intermediate a
// multiple of 1/1024 with a few significant bits), so they are the same floats there.
__device__ static inline Taps taps_for(int o, int sourceLength, int scale) {
    int twiceScale = 2 * scale;
    int numerator = 2 * o + 1 - scale; // twiceScale * position
    int floorPosition = numerator >= 0 ? numerator / twiceScale : -((twiceScale - 1 - numerator) / twiceScale);
    Taps taps;
    for (int k = 0; k < 4; k++) {
        int source = floorPosition - 1 + k;
        int distance = numerator - twiceScale * source; // twiceScale * (position - source)
        taps.index[k] = source < 0 ? 0 : (source > sourceLength - 1 ? sourceLength - 1 : source);
        taps.weight[k] = keys_weight(div_rn((float)(distance < 0 ? -distance : distance), (float)twiceScale));
    }
    return taps;
}

// ((w0 v0 + w1 v1) + w2 v2) + w3 v3, left to right as Java evaluates it.
__device__ static inline float weighted_sum(const float* weight, float v0, float v1, float v2, float v3) {
    return add_rn(add_rn(add_rn(mul_rn(weight[0], v0), mul_rn(weight[1], v1)), mul_rn(weight[2], v2)),
                  mul_rn(weight[3], v3));
}

// src: channels planes of srcHeight x srcWidth; dst: channels planes of (scale * srcHeight) x (scale * srcWidth).
extern "C" __global__ void bicubic_planar(const void* __restrict__ src, int srcHalf, int srcRowStride,
                                          int srcPlaneStride, int srcWidth, int srcHeight, int channels, int scale,
                                          void* __restrict__ dst, int dstHalf, int dstRowStride, int dstPlaneStride) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= scale * srcWidth || y >= scale * srcHeight) {
        return;
    }
    Taps columns = taps_for(x, srcWidth, scale);
    Taps rows = taps_for(y, srcHeight, scale);
    for (int c = 0; c < channels; c++) {
        long long plane = (long long)c * srcPlaneStride;
        float filtered[4];
        for (int k = 0; k < 4; k++) {
            long long row = plane + (long long)rows.index[k] * srcRowStride;
            filtered[k] = weighted_sum(columns.weight, load_element(src, srcHalf, row + columns.index[0]),
                                       load_element(src, srcHalf, row + columns.index[1]),
                                       load_element(src, srcHalf, row + columns.index[2]),
                                       load_element(src, srcHalf, row + columns.index[3]));
        }
        float value = weighted_sum(rows.weight, filtered[0], filtered[1], filtered[2], filtered[3]);
        store_element(dst, dstHalf, (long long)c * dstPlaneStride + (long long)y * dstRowStride + x, value);
    }
}
