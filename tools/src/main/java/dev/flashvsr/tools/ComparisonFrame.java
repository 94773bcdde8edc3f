package dev.flashvsr.tools;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Puts frames of two upscales into one picture with their labels: split (the left half of A and
 * the right half of B, at A's size, a white line between them) or side by side (A on the left, B
 * on the right, twice A's width). B is resized to A's size first when they differ (bicubic).
 */
final class ComparisonFrame {

    enum Mode {
        SPLIT, SIDE_BY_SIDE
    }

    /** Width of the split's divider line in pixels; it covers the columns {@code [w/2 - 1, w/2 + 1)}. */
    static final int DIVIDER = 2;
    private static final int LABEL_MARGIN = 8;
    private static final int LABEL_PADDING = 4;

    private final Mode mode;
    private final String labelA;
    private final String labelB;

    ComparisonFrame(Mode mode, String labelA, String labelB) {
        this.mode = mode;
        this.labelA = labelA;
        this.labelB = labelB;
    }

    /** The output's size for inputs of A's size {@code w x h}. */
    int width(int w) {
        return mode == Mode.SPLIT ? w : 2 * w;
    }

    BufferedImage compose(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        BufferedImage out = new BufferedImage(width(w), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.drawImage(a, 0, 0, null);
            int half = w / 2;
            if (mode == Mode.SPLIT) {
                // The right half of B scaled to A's size: source columns from B's own half.
                int bHalf = (int) Math.round(half * (double) b.getWidth() / w);
                g.drawImage(b, half, 0, w, h, bHalf, 0, b.getWidth(), b.getHeight(), null);
                g.setColor(Color.WHITE);
                g.fillRect(half - DIVIDER / 2, 0, DIVIDER, h);
                label(g, labelA, LABEL_MARGIN, false);
                label(g, labelB, w - LABEL_MARGIN, true);
            } else {
                g.drawImage(b, w, 0, w, h, null);
                label(g, labelA, LABEL_MARGIN, false);
                label(g, labelB, w + LABEL_MARGIN, false);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** White text on a translucent dark box near the top, starting or ending at {@code x}. */
    private static void label(Graphics2D g, String text, int x, boolean endsAtX) {
        if (text.isEmpty()) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        FontMetrics fm = g.getFontMetrics();
        int boxW = fm.stringWidth(text) + 2 * LABEL_PADDING;
        int boxH = fm.getHeight() + 2 * LABEL_PADDING;
        int left = endsAtX ? x - boxW : x;
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.6f));
        g.setColor(Color.BLACK);
        g.fillRect(left, LABEL_MARGIN, boxW, boxH);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.WHITE);
        g.drawString(text, left + LABEL_PADDING, LABEL_MARGIN + LABEL_PADDING + fm.getAscent());
    }
}
