// Padding and cropping of planar NCHW images, with a linear map of every value: what
// dev.flashvsr.engine.flashvsr.FramePreparation does around the FlashVSR model (pad the upscaled
// frame to the model's size multiple mapped to [-1, 1], crop the model's output back mapped to
// [0, 1]). Plane c, row y, column x is element c * planeStride + y * rowStride + x of src or dst;
// srcHalf and dstHalf select float (0) or binary16 (1) elements: halves are widened exactly,
// outputs rounded to nearest even. One thread per output pixel, 2-D grid over the output, all
// channels. Each map is two float operations rounded on their own (no FMA), in Java's order, so the
// FP32 results equal FramePreparation's bit for bit.
#include "half_math.h"
#include "rounded_math.h"

// dst (dstWidth x dstHeight, at least srcWidth x srcHeight) = src with its last column repeated to
// the right and its last row downwards, each value mapped v * mul + add (FlashVSR: mul 2, add -1,
// as Java's `up * 2 - 1`).
extern "C" __global__ void pad_planar(const void* __restrict__ src, int srcHalf, int srcRowStride, int srcPlaneStride,
                                      int srcWidth, int srcHeight, void* __restrict__ dst, int dstHalf,
                                      int dstRowStride, int dstPlaneStride, int dstWidth, int dstHeight, int channels,
                                      float mul, float add) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= dstWidth || y >= dstHeight) {
        return;
    }
    long long from = (long long)(y < srcHeight ? y : srcHeight - 1) * srcRowStride + (x < srcWidth ? x : srcWidth - 1);
    long long to = (long long)y * dstRowStride + x;
    for (int c = 0; c < channels; c++) {
        float v = load_element(src, srcHalf, from + (long long)c * srcPlaneStride);
        store_element(dst, dstHalf, to + (long long)c * dstPlaneStride, add_rn(mul_rn(v, mul), add));
    }
}

// dst (width x height) = the region of src whose top-left corner is (x0, y0), each value mapped
// (v + add) * mul (FlashVSR: add 1, mul 0.5, as Java's `(model + 1) * 0.5f`).
extern "C" __global__ void crop_planar(const void* __restrict__ src, int srcHalf, int srcRowStride, int srcPlaneStride,
                                       int x0, int y0, void* __restrict__ dst, int dstHalf, int dstRowStride,
                                       int dstPlaneStride, int width, int height, int channels, float add, float mul) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    long long from = (long long)(y0 + y) * srcRowStride + x0 + x;
    long long to = (long long)y * dstRowStride + x;
    for (int c = 0; c < channels; c++) {
        float v = load_element(src, srcHalf, from + (long long)c * srcPlaneStride);
        store_element(dst, dstHalf, to + (long long)c * dstPlaneStride, mul_rn(add_rn(v, add), mul));
    }
}
