// Lets the kernel sources compile as host C++ (g++), so that the host-emulation tests run them
// without a GPU. Under a CUDA compiler this header only supplies what -nocudainc leaves out.
//
// Host: __global__/__device__ become plain C++, threadIdx/blockIdx/blockDim/gridDim are
// thread-locals, and launch(grid, block, kernel, args...) runs every thread of the grid as nested
// loops on the calling thread (no __syncthreads or shared memory: the kernels here need neither).
// The host build must use -ffp-contract=off: the kernels' float operations round one by one, as
// Java's do, and a fused multiply-add would round differently.
#ifndef FLASHVSR_HOST_SHIM_H
#define FLASHVSR_HOST_SHIM_H

#if defined(__CUDACC__) || defined(__CUDA__) // nvcc, or clang -x cuda (which sets __CUDACC__ only with the CUDA headers)

#if defined(__clang__)
#include <__clang_cuda_builtin_vars.h> // threadIdx & co.; include-guarded, so harmless with the CUDA headers
#endif
#ifndef __global__ // clang -nocudainc: the CUDA headers that define these are not there
#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#endif

#else

struct uint3 {
    unsigned x, y, z;
};

struct dim3 {
    unsigned x, y, z;
    dim3(unsigned x = 1, unsigned y = 1, unsigned z = 1) : x(x), y(y), z(z) {}
};

#define __global__
#define __device__

static thread_local uint3 threadIdx;
static thread_local uint3 blockIdx;
static thread_local dim3 blockDim;
static thread_local dim3 gridDim;

template <typename... Params, typename... Args>
void launch(dim3 grid, dim3 block, void (*kernel)(Params...), Args... args) {
    gridDim = grid;
    blockDim = block;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                blockIdx = {bx, by, bz};
                for (unsigned tz = 0; tz < block.z; tz++)
                    for (unsigned ty = 0; ty < block.y; ty++)
                        for (unsigned tx = 0; tx < block.x; tx++) {
                            threadIdx = {tx, ty, tz};
                            kernel(args...);
                        }
            }
}

#endif
#endif
