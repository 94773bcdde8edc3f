// 8-bit video frames to planar R'G'B' in [0, 1], NCHW (the layout the model graphs take), as FP32
// or FP16: channel c (0 = R, 1 = G, 2 = B), row y, column x at element
// c * dstPlaneStride + y * dstRowStride + x of dst. One thread per output pixel, 2-D grid over
// (width, height). dstHalf selects the element type: 0 float, 1 IEEE binary16 (the float result
// rounded to nearest, ties to even), so one kernel serves both precisions.
//
// The FP32 results equal dev.flashvsr.engine.color.ColorConverter's bit for bit: the same formulas in
// the same order, each float operation rounded on its own (the _rn helpers: no fused multiply-add,
// IEEE division), centre-sited 4:2:0 chroma, the same [0, 1] clamp. The matrix and range come in as
// floats (see YuvCoefficients and ColorConverter.Tables), so one kernel serves BT.601/709/2020 in
// limited and full range.
#include "half_math.h"
#include "rounded_math.h"

// Negative values and -0 become +0, values above 1 become 1 (8-bit inputs never give NaN).
__device__ static inline float clamp01(float v) { return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f; }

__device__ static inline int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

__device__ static inline void store_rgb(void* dst, int dstHalf, int dstRowStride, int dstPlaneStride, int x, int y,
                                        float r, float g, float b) {
    long long at = (long long)y * dstRowStride + x;
    store_element(dst, dstHalf, at, r);
    store_element(dst, dstHalf, at + dstPlaneStride, g);
    store_element(dst, dstHalf, at + 2LL * dstPlaneStride, b);
}

// A chroma code (Cb or Cr) as Pb/Pr: (code - 128) / cScale. The subtraction is exact for 8-bit codes
// and integral offsets, so it needs no rounding control.
__device__ static inline float chroma_at(const unsigned char* plane, int stride, int pixelStride, int i, int j,
                                         float cScale) {
    return div_rn((float)plane[(long long)i * stride + (long long)j * pixelStride] - 128.0f, cScale);
}

// The chroma of luma pixel (x, y): nearest repeats the 2x2 block's sample; bilinear weighs the
// block's sample 3/4 and the nearer neighbour 1/4, first vertically, then horizontally (edges
// repeated), as ColorConverter does.
__device__ static inline float upsample(const unsigned char* plane, int stride, int pixelStride, int x, int y,
                                        int cw, int ch, int bilinear, float cScale) {
    int i = y >> 1;
    int j = x >> 1;
    if (!bilinear) {
        return chroma_at(plane, stride, pixelStride, i, j, cScale);
    }
    int ni = (y & 1) == 0 ? clampi(i - 1, 0, ch - 1) : clampi(i + 1, 0, ch - 1);
    int nj = (x & 1) == 0 ? clampi(j - 1, 0, cw - 1) : clampi(j + 1, 0, cw - 1);
    float near = add_rn(mul_rn(0.75f, chroma_at(plane, stride, pixelStride, i, j, cScale)),
                        mul_rn(0.25f, chroma_at(plane, stride, pixelStride, ni, j, cScale)));
    float side = add_rn(mul_rn(0.75f, chroma_at(plane, stride, pixelStride, i, nj, cScale)),
                        mul_rn(0.25f, chroma_at(plane, stride, pixelStride, ni, nj, cScale)));
    return add_rn(mul_rn(0.75f, near), mul_rn(0.25f, side));
}

// NV12 and I420 (4:2:0, chroma planes ceil(w/2) x ceil(h/2)). NV12 passes the interleaved plane
// as cb and cb + 1 as cr with chromaPixelStride 2; I420 its U and V planes with stride 1.
// yOffset, yScale, cScale: Y = (code - yOffset) / yScale, P = (code - 128) / cScale;
// R = Y + rCr Pr, G = Y + gCb Pb + gCr Pr, B = Y + bCb Pb, each clamped to [0, 1].
extern "C" __global__ void yuv420_to_planar(const unsigned char* __restrict__ luma, int lumaStride,
                                            const unsigned char* cb, const unsigned char* cr, int chromaStride,
                                            int chromaPixelStride, int width, int height, float yOffset,
                                            float yScale, float cScale, float rCr, float gCb, float gCr, float bCb,
                                            int bilinear, void* __restrict__ dst, int dstHalf, int dstRowStride,
                                            int dstPlaneStride) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    int cw = (width + 1) >> 1;
    int ch = (height + 1) >> 1;
    float yv = div_rn((float)luma[(long long)y * lumaStride + x] - yOffset, yScale);
    float pb = upsample(cb, chromaStride, chromaPixelStride, x, y, cw, ch, bilinear, cScale);
    float pr = upsample(cr, chromaStride, chromaPixelStride, x, y, cw, ch, bilinear, cScale);
    float r = add_rn(yv, mul_rn(rCr, pr));
    float g = add_rn(add_rn(yv, mul_rn(gCb, pb)), mul_rn(gCr, pr));
    float b = add_rn(yv, mul_rn(bCb, pb));
    store_rgb(dst, dstHalf, dstRowStride, dstPlaneStride, x, y, clamp01(r), clamp01(g), clamp01(b));
}

// The packed RGB family (RGB, BGR, RGBA, BGRA, RGBx, BGRx), always full range: code / 255.
// pixelBytes is 3 or 4; redIndex is 0 for the RGB orders and 2 for the BGR ones (blue at 2 - redIndex).
extern "C" __global__ void packed_rgb_to_planar(const unsigned char* __restrict__ src, int srcStride, int pixelBytes,
                                                int redIndex, int width, int height, void* __restrict__ dst,
                                                int dstHalf, int dstRowStride, int dstPlaneStride) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    const unsigned char* pixel = src + (long long)y * srcStride + (long long)x * pixelBytes;
    store_rgb(dst, dstHalf, dstRowStride, dstPlaneStride, x, y, div_rn((float)pixel[redIndex], 255.0f),
              div_rn((float)pixel[1], 255.0f), div_rn((float)pixel[2 - redIndex], 255.0f));
}
