package dev.flashvsr.engine.flashvsr;

import dev.flashvsr.engine.EngineException;
import dev.flashvsr.engine.flashvsr.load.FlashVsrRelease;
import dev.flashvsr.engine.flashvsr.load.ReferenceRuns;
import dev.flashvsr.engine.weights.SafeTensors;
import dev.flashvsr.engine.weights.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The golden end-to-end FlashVSR run (section 4 of the golden data's README), for the tests of
 * every module and the GPU check: the run parameters from the golden config.json, the low-res
 * input frames, upstream's output frames, and the tiny release imported as a package with that
 * run's attention settings. Sizes come from config.json and the tensor
 * shapes, never from constants. Frames are RGB rows of {@code stride} bytes (at least 3 x width).
 */
public final class GoldenPipeline {
    private static final String INPUT_FRAMES = "lr_frames_u8";
    private static final String OUTPUT_FRAMES = "output_frames_u8";

    private final Path root;
    private final ReferenceRuns.PipelineRun run;
    private final Path folder;
    private final FrameStack lowRes;
    private final FrameStack expected;

    /** Frames stored as one [T, H, W, 3] 8-bit tensor. */
    private record FrameStack(int frames, int height, int width, byte[] data) {
        static FrameStack read(SafeTensorsFile file, String name) {
            long[] shape = file.info(name).shape();
            if (shape.length != 4 || shape[3] != 3) {
                throw new IllegalStateException(file.path() + ": " + name + " is not [T, H, W, 3]");
            }
            return new FrameStack((int) shape[0], (int) shape[1], (int) shape[2], file.readBytes(name));
        }

        byte[] frame(int index, int stride) {
            int row = 3 * width;
            byte[] out = new byte[stride * height];
            for (int y = 0; y < height; y++) {
                System.arraycopy(data, (index * height + y) * row, out, y * stride, row);
            }
            return out;
        }
    }

    /** How output frames compare with upstream's, value by value. */
    public record Comparison(int frames, int maxDifference, long differing, long values) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d frames, max |diff| %d, %,d of %,d values differ", frames,
                    maxDifference, differing, values);
        }
    }

    private GoldenPipeline(Path root, ReferenceRuns.PipelineRun run, Path folder, FrameStack lowRes,
            FrameStack expected) {
        this.root = root;
        this.run = run;
        this.folder = folder;
        this.lowRes = lowRes;
        this.expected = expected;
    }

    /** The run of the golden data in {@code root} (the folder holding {@code release-layout/}). */
    public static GoldenPipeline load(Path root) throws EngineException, IOException {
        ReferenceRuns.PipelineRun run;
        try (FlashVsrRelease release = FlashVsrRelease.open(release(root))) {
            run = release.referenceRuns().pipeline().orElseThrow(
                    () -> new IllegalStateException(release(root) + "/config.json has no pipeline_test section"));
        }
        Path folder = root.resolve(run.folder());
        try (SafeTensorsFile in = SafeTensors.open(folder.resolve("inputs.safetensors"));
                SafeTensorsFile out = SafeTensors.open(folder.resolve("outputs.safetensors"))) {
            return new GoldenPipeline(root, run, folder, FrameStack.read(in, INPUT_FRAMES),
                    FrameStack.read(out, OUTPUT_FRAMES));
        }
    }

    /** The tiny model in the official release's file layout, in the golden data of {@code root}. */
    public static Path release(Path root) {
        return root.resolve("release-layout").toAbsolutePath().normalize();
    }

    public ReferenceRuns.PipelineRun run() {
        return run;
    }

    /** The safetensors file whose {@code noise} tensor is the golden run's latent noise. */
    public Path noiseFile() {
        return folder.resolve("inputs.safetensors").toAbsolutePath().normalize();
    }

    public int frames() {
        return lowRes.frames();
    }

    public int width() {
        return lowRes.width();
    }

    public int height() {
        return lowRes.height();
    }

    public int outputFrames() {
        return expected.frames();
    }

    public int outputWidth() {
        return expected.width();
    }

    public int outputHeight() {
        return expected.height();
    }

    /** Low-res input frame {@code index}. */
    public byte[] lowResFrame(int index, int stride) {
        return lowRes.frame(index, stride);
    }

    /** Upstream's output frame {@code index}. */
    public byte[] expectedFrame(int index, int stride) {
        return expected.frame(index, stride);
    }

    /**
     * Imports the golden release into {@code out} as the golden run needs it: its fixed top-k ratio
     * and local range (upstream's v1.1 rule would derive another top-k ratio for this frame size).
     */
    public void importPackage(Path out) throws EngineException {
        FlashVsrImport.run(release(root), out, new FlashVsrImport.Settings("tiny-golden", run.fullBlock(),
                run.localRange(), null, run.topkRatio()), line -> { });
    }

    /** Compares {@code outputs} (in order, rows of {@code stride} bytes) with upstream's first frames. */
    public Comparison compare(List<byte[]> outputs, int stride) {
        if (outputs.size() > expected.frames()) {
            throw new IllegalArgumentException(outputs.size() + " frames, upstream has " + expected.frames());
        }
        int row = 3 * expected.width();
        int worst = 0;
        long differing = 0;
        for (int f = 0; f < outputs.size(); f++) {
            byte[] want = expected.frame(f, row);
            byte[] got = outputs.get(f);
            if (got.length < stride * (expected.height() - 1) + row) {
                throw new IllegalArgumentException("frame " + f + " has " + got.length + " bytes, too few for "
                        + expected.width() + "x" + expected.height() + " RGB with stride " + stride);
            }
            for (int y = 0; y < expected.height(); y++) {
                for (int x = 0; x < row; x++) {
                    int d = Math.abs((got[y * stride + x] & 0xff) - (want[y * row + x] & 0xff));
                    worst = Math.max(worst, d);
                    if (d > 0) {
                        differing++;
                    }
                }
            }
        }
        return new Comparison(outputs.size(), worst, differing, (long) outputs.size() * row * expected.height());
    }
}
