// Planar R'G'B' NCHW (the layout the model graphs produce), FP32 or FP16, to 8-bit video frames:
// channel c (0 = R, 1 = G, 2 = B), row y, column x at element c * srcPlaneStride + y * srcRowStride + x
// of src. srcHalf selects the element type: 0 float, 1 IEEE binary16 (widened to float exactly).
//
// The bytes equal dev.flashvsr.engine.color.ColorConverter's fromPlanarRgb: the same formulas in
// the same order, each float operation rounded on its own (the _rn helpers: no fused multiply-add),
// the same clamp on the float's bits (NaN with the sign clear becomes 1, with it set 0), codes
// truncated after adding 0.5 (halves up), chroma from the sum of the clamped R'G'B' of each 2x2
// block (1x2, 2x1, 1x1 blocks at odd edges count their samples twice) and a matrix that comes in as
// floats (ColorConverter.Tables), so one kernel serves BT.601/709/2020 in limited and full range.
#include "half_math.h"
#include "rounded_math.h"

// ColorConverter's clamp on the bits: a set sign bit (negatives, -0, negative NaN) gives +0, and
// non-negative floats order as integers, so min with the bits of 1 clamps (positive NaN gives 1).
__device__ static inline float clamp01_bits(float v) {
    int bits = float_bits(v);
    bits &= ~(bits >> 31);
    return bits_float(bits < 0x3f800000 ? bits : 0x3f800000);
}

// The clamped value of channel c at (x, y).
__device__ static inline float sample(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride, int c, int x,
                                      int y) {
    long long at = (long long)c * srcPlaneStride + (long long)y * srcRowStride + x;
    return clamp01_bits(load_element(src, srcHalf, at));
}

// A non-negative float to its code: truncated, then wrapped to a byte as Java's (byte) (int) does.
__device__ static inline unsigned char code(float v) { return (unsigned char)(int)v; }

// NV12 and I420: one thread per chroma sample (i, j), which writes the luma of its (up to) 2x2
// block and its Cb and Cr. NV12 passes the interleaved plane as cb and cb + 1 as cr with
// chromaPixelStride 2; I420 its U and V planes with stride 1.
// Luma code: yR R + yG G + yB B + yOff (yOff includes the 0.5); chroma code: the block's summed
// R'G'B' times (coefficient x 1/4, or x 1/2 for a one-row block) + 128.5, at most 255.
extern "C" __global__ void planar_to_yuv420(const void* __restrict__ src, int srcHalf, int srcRowStride,
                                            int srcPlaneStride, int width, int height, float yR, float yG, float yB,
                                            float yOff, float cbR, float cbG, float cbB, float crR, float crG,
                                            float crB, unsigned char* __restrict__ luma, int lumaStride,
                                            unsigned char* cb, unsigned char* cr, int chromaStride,
                                            int chromaPixelStride) {
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    int i = blockIdx.y * blockDim.y + threadIdx.y;
    int x0 = 2 * j;
    int y0 = 2 * i;
    if (x0 >= width || y0 >= height) {
        return;
    }
    int pair = x0 + 1 < width;
    int rows = y0 + 1 < height ? 2 : 1;
    float sum[3];
    for (int dy = 0; dy < rows; dy++) {
        int y = y0 + dy;
        float rgb0[3];
        float rgb1[3];
        for (int c = 0; c < 3; c++) {
            rgb0[c] = sample(src, srcHalf, srcRowStride, srcPlaneStride, c, x0, y);
            rgb1[c] = pair ? sample(src, srcHalf, srcRowStride, srcPlaneStride, c, x0 + 1, y) : 0.0f;
        }
        unsigned char* lumaRow = luma + (long long)y * lumaStride;
        lumaRow[x0] = code(add_rn(add_rn(add_rn(mul_rn(yR, rgb0[0]), mul_rn(yG, rgb0[1])), mul_rn(yB, rgb0[2])), yOff));
        if (pair) {
            lumaRow[x0 + 1] =
                code(add_rn(add_rn(add_rn(mul_rn(yR, rgb1[0]), mul_rn(yG, rgb1[1])), mul_rn(yB, rgb1[2])), yOff));
        }
        for (int c = 0; c < 3; c++) {
            // a 1-wide block counts its column twice (exact), so that the 1/4 below averages it
            float rowSum = pair ? add_rn(rgb0[c], rgb1[c]) : mul_rn(2.0f, rgb0[c]);
            sum[c] = dy == 0 ? rowSum : add_rn(sum[c], rowSum);
        }
    }
    float norm = rows == 2 ? 0.25f : 0.5f; // a 1-high block counts once
    float cbCode = add_rn(add_rn(add_rn(mul_rn(mul_rn(cbR, norm), sum[0]), mul_rn(mul_rn(cbG, norm), sum[1])),
                                 mul_rn(mul_rn(cbB, norm), sum[2])),
                          128.5f);
    float crCode = add_rn(add_rn(add_rn(mul_rn(mul_rn(crR, norm), sum[0]), mul_rn(mul_rn(crG, norm), sum[1])),
                                 mul_rn(mul_rn(crB, norm), sum[2])),
                          128.5f);
    long long at = (long long)i * chromaStride + (long long)j * chromaPixelStride;
    int cbInt = (int)cbCode;
    int crInt = (int)crCode;
    cb[at] = (unsigned char)(cbInt < 255 ? cbInt : 255);
    cr[at] = (unsigned char)(crInt < 255 ? crInt : 255);
}

// The packed RGB family (RGB, BGR, RGBA, BGRA, RGBx, BGRx): code = clamped value x 255 + 0.5,
// truncated; the fourth byte of 4-byte formats is 255. One thread per pixel. pixelBytes is 3 or 4;
// redIndex is 0 for the RGB orders and 2 for the BGR ones (blue at 2 - redIndex).
extern "C" __global__ void planar_to_packed_rgb(const void* __restrict__ src, int srcHalf, int srcRowStride,
                                                int srcPlaneStride, int width, int height,
                                                unsigned char* __restrict__ dst, int dstStride, int pixelBytes,
                                                int redIndex) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    unsigned char* pixel = dst + (long long)y * dstStride + (long long)x * pixelBytes;
    for (int c = 0; c < 3; c++) {
        float v = sample(src, srcHalf, srcRowStride, srcPlaneStride, c, x, y);
        // R (c = 0) at redIndex, G at 1, B (c = 2) at 2 - redIndex
        pixel[c == 1 ? 1 : (c == 0 ? redIndex : 2 - redIndex)] = code(add_rn(mul_rn(v, 255.0f), 0.5f));
    }
    if (pixelBytes == 4) {
        pixel[3] = 255;
    }
}
