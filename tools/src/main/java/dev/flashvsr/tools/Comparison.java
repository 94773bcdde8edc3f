package dev.flashvsr.tools;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import org.freedesktop.gstreamer.Fraction;

/**
 * Reads two inputs in step and composes each pair of frames. Says once when B is resized to A's
 * size, and at the end when one input had more frames than the comparison used.
 */
final class Comparison {

    private final FrameReader a;
    private final FrameReader b;
    private final ComparisonFrame composer;
    private final PrintWriter err;
    private boolean resizeNoted;
    private boolean endedA;
    private boolean endedB;
    private long pairs;

    Comparison(FrameReader a, FrameReader b, ComparisonFrame composer, PrintWriter err) {
        this.a = a;
        this.b = b;
        this.composer = composer;
        this.err = err;
    }

    /** The next pair composed, or null when either input has ended. */
    BufferedImage next() throws InterruptedException {
        BufferedImage[] pair = pair();
        return pair == null ? null : composer.compose(pair[0], pair[1]);
    }

    /** Reads past a pair without composing it; false when either input has ended. */
    boolean skip() throws InterruptedException {
        return pair() != null;
    }

    private BufferedImage[] pair() throws InterruptedException {
        if (endedA || endedB) {
            return null;
        }
        BufferedImage fa = a.next();
        BufferedImage fb = b.next();
        endedA = fa == null;
        endedB = fb == null;
        if (endedA || endedB) {
            return null;
        }
        if (!resizeNoted && (fa.getWidth() != fb.getWidth() || fa.getHeight() != fb.getHeight())) {
            resizeNoted = true;
            err.printf("flashvsr: note: %s is %dx%d and %s is %dx%d: B is resized to A's size (bicubic)%n",
                    a.name(), fa.getWidth(), fa.getHeight(), b.name(), fb.getWidth(), fb.getHeight());
            err.flush();
        }
        pairs++;
        return new BufferedImage[] {fa, fb};
    }

    /** The input that ended first ("A and B" when both did), for messages. */
    String shortInput() {
        return endedA && endedB ? a.name() + " and " + b.name() : endedA ? a.name() : b.name();
    }

    /** A's frame rate, known after its first frame. */
    Fraction rate() {
        return a.rate();
    }

    /** After the last pair: warns when one input still had frames. */
    void warnIfLengthsDiffer() {
        if (endedA != endedB) {
            FrameReader longer = endedA ? b : a;
            err.printf("flashvsr: warning: %s has more frames than %s, which has %d; the comparison stops "
                    + "there%n", longer.name(), shortInput(), pairs);
            err.flush();
        }
    }
}
