package dev.flashvsr.engine.bicubic;

import dev.flashvsr.engine.VideoFrame;

/**
 * An independent, deliberately naive bicubic: the 4x4 sum written out in double precision from
 * the kernel's textbook formula, with clamped edges and centre-aligned sampling. It shares no
 * code with the implementation under test.
 */
final class ReferenceBicubic {
    private ReferenceBicubic() {
    }

    static double keys(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x <= 1) {
            return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        }
        if (x < 2) {
            return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
        }
        return 0;
    }

    static int sample(VideoFrame input, int plane, int channel, int outX, int outY, int scale) {
        double sx = (outX + 0.5) / scale - 0.5;
        double sy = (outY + 0.5) / scale - 0.5;
        int w = input.planeWidth(plane);
        int h = input.planeHeight(plane);
        double sum = 0;
        for (int j = (int) Math.floor(sy) - 1; j <= (int) Math.floor(sy) + 2; j++) {
            for (int i = (int) Math.floor(sx) - 1; i <= (int) Math.floor(sx) + 2; i++) {
                int x = Math.min(Math.max(i, 0), w - 1);
                int y = Math.min(Math.max(j, 0), h - 1);
                sum += keys(sx - i) * keys(sy - j) * input.sample(plane, x, y, channel);
            }
        }
        return (int) Math.min(255, Math.max(0, Math.round(sum)));
    }
}
