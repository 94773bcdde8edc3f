// Host-emulation test library: the kernel of bicubic.cu compiled as C++ and launched through
// host_shim.h over the whole output, taking the kernel's parameters.
// Blocks of 16x16 as a GPU launch would use, so odd sizes run partial blocks.
#include "bicubic.cu"

static dim3 grid_for(int width, int height) { return dim3((width + 15) / 16, (height + 15) / 16); }

extern "C" void host_bicubic_planar(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride, int srcWidth,
                                    int srcHeight, int channels, int scale, void* dst, int dstHalf, int dstRowStride,
                                    int dstPlaneStride) {
    launch(grid_for(scale * srcWidth, scale * srcHeight), dim3(16, 16), bicubic_planar, src, srcHalf, srcRowStride,
           srcPlaneStride, srcWidth, srcHeight, channels, scale, dst, dstHalf, dstRowStride, dstPlaneStride);
}
