package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.bicubic.FloatBicubic;
import dev.flashvsr.engine.flashvsr.pixels.PilBicubic;
import dev.flashvsr.engine.flashvsr.pixels.UpstreamFrames;

/**
 * How frames enter and leave the FlashVSR model, whose frames must be multiples of 128 pixels.
 *
 * <p>Ours (default): the low-res frame (planar RGB in [0, 1]) is upscaled with the float Keys
 * bicubic to exactly scale x its size, padded right and down to multiples of 128 by repeating
 * edge pixels, and mapped to [-1, 1]; the output is cropped back to exactly scale x the input, so
 * nothing is cut away and any size works.
 *
 * <p>Upstream reference: the frame is rounded to 8-bit RGB, resized as PIL's bicubic does on
 * 8-bit images to round(scale x size), centre-cropped down to multiples of 128, mapped
 * {@code u8 / 255 * 2 - 1}; outputs are truncated to 8 bits ({@code (x + 1) * 127.5}). The cropped
 * region holds upstream's pixels; the strips outside it (upstream has no pixels there) keep the PIL
 * bicubic upscale, so the output still has the caps' size. This mode runs on the host on every
 * backend ({@link HostFrameStore}); on TensorRT "ours" runs on the GPU instead of this class, with
 * kernels that compute the same floats.
 */
final class FramePreparation {
    private final boolean upstream;
    private final int width;
    private final int height;
    private final int scale;
    private final int scaledWidth;
    private final int scaledHeight;
    private final int modelWidth;
    private final int modelHeight;
    private final int cropX;
    private final int cropY;
    private final PilBicubic pil;

    /** The model frame side for an output side: padded up to a multiple of {@link UpstreamFrames#SIZE_MULTIPLE}. */
    static int modelSide(int outputSide) {
        int multiple = UpstreamFrames.SIZE_MULTIPLE;
        return (outputSide + multiple - 1) / multiple * multiple;
    }

    FramePreparation(int width, int height, int scale, boolean upstream) throws EngineException {
        this.width = width;
        this.height = height;
        this.scale = scale;
        this.upstream = upstream;
        scaledWidth = width * scale;
        scaledHeight = height * scale;
        int multiple = UpstreamFrames.SIZE_MULTIPLE;
        if (upstream) {
            modelWidth = scaledWidth / multiple * multiple;
            modelHeight = scaledHeight / multiple * multiple;
            if (modelWidth == 0 || modelHeight == 0) {
                throw new EngineException("upstream-reference mode needs an upscaled frame of at least " + multiple
                        + "x" + multiple + " (upstream crops to multiples of " + multiple + "), got " + scaledWidth + "x"
                        + scaledHeight, "Use a larger input or turn upstream-reference off");
            }
            cropX = UpstreamFrames.cropOffset(scaledWidth, modelWidth);
            cropY = UpstreamFrames.cropOffset(scaledHeight, modelHeight);
            pil = new PilBicubic(width, height, scaledWidth, scaledHeight);
        } else {
            modelWidth = modelSide(scaledWidth);
            modelHeight = modelSide(scaledHeight);
            cropX = 0;
            cropY = 0;
            pil = null;
        }
    }

    int modelWidth() {
        return modelWidth;
    }

    int modelHeight() {
        return modelHeight;
    }

    /** What upstream-reference mode keeps of a frame between input and output (null otherwise). */
    record Upscaled(byte[] rgb) {
    }

    /**
     * The model's input frame [3, modelHeight, modelWidth] in [-1, 1] from a low-res planar RGB
     * frame in [0, 1]; {@code keep} receives the 8-bit upscale in upstream-reference mode.
     */
    float[] modelInput(float[] lowRes, Upscaled[] keep) {
        float[] out = new float[3 * modelHeight * modelWidth];
        if (!upstream) {
            float[] up = FloatBicubic.upscale(lowRes, 3, height, width, scale);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < modelHeight; y++) {
                    int sy = Math.min(y, scaledHeight - 1);
                    for (int x = 0; x < modelWidth; x++) {
                        int sx = Math.min(x, scaledWidth - 1);
                        out[(c * modelHeight + y) * modelWidth + x] =
                                up[(c * scaledHeight + sy) * scaledWidth + sx] * 2 - 1;
                    }
                }
            }
            return out;
        }
        byte[] rgb = new byte[3 * width * height];
        int plane = width * height;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[3 * i + c] = (byte) Math.round(Math.max(0f, Math.min(1f, lowRes[c * plane + i])) * 255f);
            }
        }
        byte[] up = new byte[3 * scaledWidth * scaledHeight];
        pil.resize(rgb, 0, up, 0);
        keep[0] = new Upscaled(up);
        for (int y = 0; y < modelHeight; y++) {
            for (int x = 0; x < modelWidth; x++) {
                int s = 3 * ((y + cropY) * scaledWidth + x + cropX);
                for (int c = 0; c < 3; c++) {
                    out[(c * modelHeight + y) * modelWidth + x] = UpstreamFrames.toFloat(up[s + c] & 0xff);
                }
            }
        }
        return out;
    }

    /**
     * The output frame, planar RGB [3, scale*height, scale*width] in [0, 1], from the model's
     * output in [-1, 1] (and, in upstream-reference mode, the frame's kept upscale).
     */
    float[] outputFrame(float[] model, Upscaled kept) {
        float[] out = new float[3 * scaledWidth * scaledHeight];
        int plane = scaledWidth * scaledHeight;
        if (!upstream) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < scaledHeight; y++) {
                    int from = (c * modelHeight + y) * modelWidth;
                    int to = (c * scaledHeight + y) * scaledWidth;
                    for (int x = 0; x < scaledWidth; x++) {
                        out[to + x] = (model[from + x] + 1) * 0.5f;
                    }
                }
            }
            return out;
        }
        byte[] up = kept.rgb();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + i] = (up[3 * i + c] & 0xff) / 255f;
            }
        }
        for (int y = 0; y < modelHeight; y++) {
            for (int x = 0; x < modelWidth; x++) {
                int o = (y + cropY) * scaledWidth + x + cropX;
                for (int c = 0; c < 3; c++) {
                    out[c * plane + o] = UpstreamFrames.toU8(model[(c * modelHeight + y) * modelWidth + x]) / 255f;
                }
            }
        }
        return out;
    }
}
