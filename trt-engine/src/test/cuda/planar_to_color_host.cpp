// Host-emulation test library: the kernels of planar_to_color.cu compiled as C++ and launched
// through host_shim.h, one extern "C" entry point per kernel, each taking the kernel's parameters.
// Blocks of 16x16 as a GPU launch would use, so odd sizes run partial blocks.
#include "planar_to_color.cu"

static dim3 grid_for(int width, int height) { return dim3((width + 15) / 16, (height + 15) / 16); }

// One thread per 2x2 chroma block: the grid covers ceil(w/2) x ceil(h/2).
extern "C" void host_planar_to_yuv420(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride, int width,
                                      int height, float yR, float yG, float yB, float yOff, float cbR, float cbG,
                                      float cbB, float crR, float crG, float crB, unsigned char* luma, int lumaStride,
                                      unsigned char* cb, unsigned char* cr, int chromaStride,
                                      int chromaPixelStride) {
    launch(grid_for((width + 1) / 2, (height + 1) / 2), dim3(16, 16), planar_to_yuv420, src, srcHalf, srcRowStride,
           srcPlaneStride, width, height, yR, yG, yB, yOff, cbR, cbG, cbB, crR, crG, crB, luma, lumaStride, cb, cr,
           chromaStride, chromaPixelStride);
}

extern "C" void host_planar_to_packed_rgb(const void* src, int srcHalf, int srcRowStride, int srcPlaneStride,
                                          int width, int height, unsigned char* dst, int dstStride, int pixelBytes,
                                          int redIndex) {
    launch(grid_for(width, height), dim3(16, 16), planar_to_packed_rgb, src, srcHalf, srcRowStride, srcPlaneStride,
           width, height, dst, dstStride, pixelBytes, redIndex);
}

// The kernels' binary16 widening on its own, to test it on every half.
extern "C" float host_half_to_float(unsigned short h) { return half_to_float(h); }
