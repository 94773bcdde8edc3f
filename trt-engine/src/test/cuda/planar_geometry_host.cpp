// Host-emulation test library: the kernels of planar_geometry.cu compiled as C++ and launched
// through host_shim.h, one extern "C" entry point per kernel over its whole output, each taking the
// kernel's parameters. Blocks of 16x16 as a GPU launch would use, so odd sizes run partial blocks.
#include "planar_geometry.cu"

static dim3 grid_for(int width, int height) { return dim3((width + 15) / 16, (height + 15) / 16); }

extern "C" void host_pad_planar(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride, int srcWidth,
                                int srcHeight, void* dst, int dstHalf, int dstRowStride, int dstPlaneStride,
                                int dstWidth, int dstHeight, int channels, float mul, float add) {
    launch(grid_for(dstWidth, dstHeight), dim3(16, 16), pad_planar, src, srcHalf, srcRowStride, srcPlaneStride,
           srcWidth, srcHeight, dst, dstHalf, dstRowStride, dstPlaneStride, dstWidth, dstHeight, channels, mul, add);
}

extern "C" void host_crop_planar(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride, int x0, int y0,
                                 void* dst, int dstHalf, int dstRowStride, int dstPlaneStride, int width, int height,
                                 int channels, float add, float mul) {
    launch(grid_for(width, height), dim3(16, 16), crop_planar, src, srcHalf, srcRowStride, srcPlaneStride, x0, y0, dst,
           dstHalf, dstRowStride, dstPlaneStride, width, height, channels, add, mul);
}
