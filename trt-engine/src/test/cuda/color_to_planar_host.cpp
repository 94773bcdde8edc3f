// Host-emulation test library: the kernels of color_to_planar.cu compiled as C++ and launched
// through host_shim.h, one extern "C" entry point per kernel, each taking the kernel's parameters.
// Blocks of 16x16 as a GPU launch would use, so odd sizes run partial blocks.
#include "color_to_planar.cu"

static dim3 grid_for(int width, int height) { return dim3((width + 15) / 16, (height + 15) / 16); }

extern "C" void host_yuv420_to_planar(const unsigned char* luma, int lumaStride, const unsigned char* cb,
                                      const unsigned char* cr, int chromaStride, int chromaPixelStride, int width,
                                      int height, float yOffset, float yScale, float cScale, float rCr, float gCb,
                                      float gCr, float bCb, int bilinear, void* dst, int dstHalf, int dstRowStride,
                                      int dstPlaneStride) {
    launch(grid_for(width, height), dim3(16, 16), yuv420_to_planar, luma, lumaStride, cb, cr, chromaStride,
           chromaPixelStride, width, height, yOffset, yScale, cScale, rCr, gCb, gCr, bCb, bilinear, dst, dstHalf,
           dstRowStride, dstPlaneStride);
}

extern "C" void host_packed_rgb_to_planar(const unsigned char* src, int srcStride, int pixelBytes, int redIndex,
                                          int width, int height, void* dst, int dstHalf, int dstRowStride,
                                          int dstPlaneStride) {
    launch(grid_for(width, height), dim3(16, 16), packed_rgb_to_planar, src, srcStride, pixelBytes, redIndex, width,
           height, dst, dstHalf, dstRowStride, dstPlaneStride);
}

// The kernels' float-to-half rounding on its own, to test it on ties and subnormals that 8-bit frames rarely reach.
extern "C" unsigned short host_half_rn(float v) { return half_rn(v); }
