// Float (and double) arithmetic rounded one operation at a time, shared by the kernel files, so that kernels
// reproduce the CPU converter's floats bit for bit: on the device, PTX with an explicit .rn, which
// neither the compiler nor ptxas may fuse into an FMA (clang contracts plain float operations and
// even __nvvm_mul_rn_f); on the host, plain operations, built with -ffp-contract=off.
#pragma once
#include "host_shim.h"

#if defined(__CUDA_ARCH__)
__device__ static inline float mul_rn(float a, float b) {
    float r;
    asm("mul.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
    return r;
}
__device__ static inline float add_rn(float a, float b) {
    float r;
    asm("add.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
    return r;
}
__device__ static inline float div_rn(float a, float b) {
    float r;
    asm("div.rn.f32 %0, %1, %2;" : "=f"(r) : "f"(a), "f"(b));
    return r;
}
// Double operations (the key-cache rebase's), one PTX instruction each.
#define ROUNDED_F64(name, instruction)                                          \
    __device__ static inline double name(double a, double b) {                  \
        double r;                                                               \
        asm(instruction " %0, %1, %2;" : "=d"(r) : "d"(a), "d"(b));             \
        return r;                                                               \
    }
ROUNDED_F64(dmul_rn, "mul.rn.f64")
ROUNDED_F64(dadd_rn, "add.rn.f64")
#else
static inline float mul_rn(float a, float b) { return a * b; }
static inline float add_rn(float a, float b) { return a + b; }
static inline float div_rn(float a, float b) { return a / b; }
static inline double dmul_rn(double a, double b) { return a * b; }
static inline double dadd_rn(double a, double b) { return a + b; }
#endif
