// FlashVSR's colour fix of decoded frames against their inputs on the GPU: what
// dev.flashvsr.engine.flashvsr.pixels.ColorFix does on the CPU, on tight planar float frames
// [channels, height, width] in [-1, 1] (element c * height * width + y * width + x). Results are
// clamped to [-1, 1] as ColorFix's are.
//
// ADAIN: per channel mean and biased variance (+1e-5) over height x width in double. The host
// shim has no shared memory or __syncthreads, so the reduction takes launches instead: one thread
// per (row, channel) sums its row (adain_row_sums), one thread per channel sums the rows
// (adain_channel_stats), first for the mean, then again for the squared deviations; then
// adain_apply maps every element in float, one operation rounded at a time, in ColorFix's order.
// The row-then-column order of the double sums differs from ColorFix's single running sum only in
// the last bits of a double, far below a float's.
//
// WAVELET: low(v) = 5 dilated [1,2,1]/4 blurs (dilation 1, 2, 4, 8, 16) along rows then columns
// with clamped indices (blur_axis, one launch per pass), out = (x - low(x)) + low(ref)
// (wavelet_combine); each float operation rounded as ColorFix's, so the FP32 results are ColorFix's
// bit for bit.
#include "rounded_math.h"

__device__ static inline float clamp_unit(float v) {
    return v > 1.0f ? 1.0f : (v < -1.0f ? -1.0f : v);
}

// rowSums[c * height + y] = sum over x of src (centered = 0) or of (src - means[c])^2 (centered = 1),
// in double. One thread per (row, channel): x over rows, y over channels.
extern "C" __global__ void adain_row_sums(const float* __restrict__ src, int width, int height, int channels,
                                          int centered, const double* __restrict__ means,
                                          double* __restrict__ rowSums) {
    int y = blockIdx.x * blockDim.x + threadIdx.x;
    int c = blockIdx.y * blockDim.y + threadIdx.y;
    if (y >= height || c >= channels) {
        return;
    }
    const float* row = src + ((long long)c * height + y) * width;
    double mean = centered ? means[c] : 0.0;
    double sum = 0.0;
    for (int x = 0; x < width; x++) {
        double v = (double)row[x];
        if (centered) {
            double d = v - mean;
            sum += d * d;
        } else {
            sum += v;
        }
    }
    rowSums[(long long)c * height + y] = sum;
}

// One thread per channel sums its rows' sums over plane = width * height values: stage 0 writes the
// mean to stats[c], stage 1 sqrt(variance + 1e-5) to stats[channels + c].
extern "C" __global__ void adain_channel_stats(const double* __restrict__ rowSums, int height, int channels,
                                               int plane, int stage, double* __restrict__ stats) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= channels) {
        return;
    }
    double sum = 0.0;
    for (int y = 0; y < height; y++) {
        sum += rowSums[(long long)c * height + y];
    }
    if (stage == 0) {
        stats[c] = sum / plane;
    } else {
        stats[channels + c] = __builtin_sqrt(sum / plane + 1e-5);
    }
}

// out = clamp((x - mean_x) / std_x * std_ref + mean_ref) with the stats of adain_channel_stats
// rounded to float, as ColorFix does. One thread per pixel, all channels; out may be x.
extern "C" __global__ void adain_apply(const float* x, const double* __restrict__ statsX,
                                       const double* __restrict__ statsRef, float* out, int width, int height,
                                       int channels) {
    int px = blockIdx.x * blockDim.x + threadIdx.x;
    int py = blockIdx.y * blockDim.y + threadIdx.y;
    if (px >= width || py >= height) {
        return;
    }
    for (int c = 0; c < channels; c++) {
        long long i = ((long long)c * height + py) * width + px;
        float mx = (float)statsX[c];
        float sx = (float)statsX[channels + c];
        float mr = (float)statsRef[c];
        float sr = (float)statsRef[channels + c];
        out[i] = clamp_unit(add_rn(mul_rn(div_rn(add_rn(x[i], -mx), sx), sr), mr));
    }
}

// dst = [1,2,1]/4 blur of src along rows (vertical = 0) or columns (vertical = 1), taps at
// +-dilation, indices clamped to the frame. One thread per pixel, all channels.
extern "C" __global__ void blur_axis(const float* __restrict__ src, float* __restrict__ dst, int width, int height,
                                     int channels, int dilation, int vertical) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= width || y >= height) {
        return;
    }
    int before;
    int after;
    if (vertical) {
        before = (y - dilation > 0 ? y - dilation : 0) * width + x;
        after = (y + dilation < height - 1 ? y + dilation : height - 1) * width + x;
    } else {
        before = y * width + (x - dilation > 0 ? x - dilation : 0);
        after = y * width + (x + dilation < width - 1 ? x + dilation : width - 1);
    }
    int here = y * width + x;
    long long plane = (long long)width * height;
    for (int c = 0; c < channels; c++) {
        const float* p = src + c * plane;
        float sum = add_rn(add_rn(p[before], mul_rn(2.0f, p[here])), p[after]);
        dst[c * plane + here] = mul_rn(sum, 0.25f);
    }
}

// out = clamp((x - lowX) + lowRef), element-wise over count values; out may be x.
extern "C" __global__ void wavelet_combine(const float* x, const float* __restrict__ lowX,
                                           const float* __restrict__ lowRef, float* out, int count) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= count) {
        return;
    }
    out[i] = clamp_unit(add_rn(add_rn(x[i], -lowX[i]), lowRef[i]));
}

// out = clamp(x), element-wise over count values (no colour fix); out may be x.
extern "C" __global__ void clamp_unit_range(const float* x, float* out, int count) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= count) {
        return;
    }
    out[i] = clamp_unit(x[i]);
}
