// IEEE binary16 <-> float conversions shared by the kernel files, so that every kernel stores and
// reads FP16 planes the same way: on the device the PTX conversions, on the host bit manipulation
// that does what those instructions do.
#pragma once
#include "host_shim.h"

#if defined(__CUDA_ARCH__)
__device__ static inline unsigned short half_rn(float v) {
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(v));
    return h;
}
__device__ static inline float half_to_float(unsigned short h) {
    float r;
    asm("cvt.f32.f16 %0, %1;" : "=f"(r) : "h"(h));
    return r;
}
__device__ static inline int float_bits(float v) {
    int bits;
    asm("mov.b32 %0, %1;" : "=r"(bits) : "f"(v));
    return bits;
}
__device__ static inline float bits_float(int bits) {
    float v;
    asm("mov.b32 %0, %1;" : "=f"(v) : "r"(bits));
    return v;
}
#else
static inline int float_bits(float v) {
    int bits;
    __builtin_memcpy(&bits, &v, sizeof bits);
    return bits;
}
static inline float bits_float(int bits) {
    float v;
    __builtin_memcpy(&v, &bits, sizeof v);
    return v;
}

// Float to binary16 bits, round to nearest, ties to even; what cvt.rn.f16.f32 does on the device.
static inline unsigned short half_rn(float v) {
    unsigned int bits = (unsigned int)float_bits(v);
    unsigned int sign = (bits >> 16) & 0x8000u;
    unsigned int magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) {
        return (unsigned short)(sign | 0x7e00u); // NaN
    }
    if (magnitude >= 0x477ff000u) {
        return (unsigned short)(sign | 0x7c00u); // rounds past the largest half (65504): infinity
    }
    if (magnitude >= 0x38800000u) { // normal half: drop 13 mantissa bits, rebias the exponent by 112
        unsigned int rounded = magnitude - 0x38000000u + 0x0fffu + ((magnitude >> 13) & 1u);
        return (unsigned short)(sign | (rounded >> 13));
    }
    if (magnitude < 0x33000000u) {
        return (unsigned short)sign; // at most half of the smallest subnormal (2^-25): zero (a tie goes to even 0)
    }
    // subnormal half: units of 2^-24
    unsigned int mantissa = (magnitude & 0x7fffffu) | 0x800000u;
    int shift = 126 - (int)(magnitude >> 23); // 14..24
    unsigned int half = mantissa >> shift;
    unsigned int rest = mantissa & ((1u << shift) - 1u);
    unsigned int tie = 1u << (shift - 1);
    if (rest > tie || (rest == tie && (half & 1u))) {
        half++;
    }
    return (unsigned short)(sign | half);
}

// Binary16 bits to float, exactly (every half is a float); what cvt.f32.f16 does on the device.
static inline float half_to_float(unsigned short h) {
    unsigned int sign = (unsigned int)(h & 0x8000u) << 16;
    unsigned int exponent = (h >> 10) & 0x1fu;
    unsigned int mantissa = h & 0x3ffu;
    if (exponent == 0x1fu) { // infinity or NaN (quiet, payload kept)
        return bits_float((int)(sign | 0x7f800000u | (mantissa << 13) | (mantissa ? 0x400000u : 0u)));
    }
    if (exponent == 0) { // zero or subnormal: mantissa units of 2^-24, exact in a float
        float magnitude = (float)mantissa * 0x1p-24f;
        return sign ? -magnitude : magnitude;
    }
    return bits_float((int)(sign | ((exponent + 112u) << 23) | (mantissa << 13)));
}
#endif

// Element `at` of a plane of floats (elementHalf 0) or binary16 values (1, widened exactly).
__device__ static inline float load_element(const void* plane, int elementHalf, long long at) {
    return elementHalf ? half_to_float(((const unsigned short*)plane)[at]) : ((const float*)plane)[at];
}

// Stores v as element `at` of a plane of floats (elementHalf 0) or binary16 values (1, rounded to nearest even).
__device__ static inline void store_element(void* plane, int elementHalf, long long at, float v) {
    if (elementHalf) {
        ((unsigned short*)plane)[at] = half_rn(v);
    } else {
        ((float*)plane)[at] = v;
    }
}
