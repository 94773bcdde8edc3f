package dev.flashvsr.tools.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of per-frame values, one line per model, drawn with Java 2D into an image (no
 * display needed): title, axes with ticks at round values, axis labels and a legend on the right.
 * Values that are not finite (a PSNR of identical frames) are left out of the line.
 */
final class LineChart {

    /** One line: its legend label and a value per x position. */
    record Series(String label, double[] values) {
    }

    static final int WIDTH = 760;
    static final int HEIGHT = 340;
    /** Line colours, in series order (repeating after the last); distinct from the grey of axes and grid. */
    static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private static final int LEFT = 70;
    private static final int RIGHT = 200;
    private static final int TOP = 36;
    private static final int BOTTOM = 52;
    private static final Color GRID = new Color(0xe4e4e4);

    private LineChart() {
    }

    /**
     * @param firstX the x of each series' first value (the next ones follow by 1)
     */
    static BufferedImage draw(String title, String xLabel, String yLabel, int firstX, List<Series> series) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int points = series.stream().mapToInt(s -> s.values().length).max().orElse(0);
            Axis xAxis = Axis.of(firstX, firstX + Math.max(1, points - 1), false);
            Axis yAxis = Axis.of(min(series), max(series), true);
            Plot plot = new Plot(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM, xAxis, yAxis);
            drawAxes(g, plot, xLabel, yLabel);
            for (int i = 0; i < series.size(); i++) {
                drawLine(g, plot, series.get(i).values(), firstX, PALETTE[i % PALETTE.length]);
            }
            drawLegend(g, series);
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(Font.BOLD, 14f));
            g.drawString(title, LEFT, 22);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The plotting area in pixels and the value ranges it shows. */
    private record Plot(int left, int top, int width, int height, Axis x, Axis y) {
        double px(double v) {
            return left + (v - x.low) / (x.high - x.low) * width;
        }

        double py(double v) {
            return top + height - (v - y.low) / (y.high - y.low) * height;
        }
    }

    /** A value range widened to round ticks. */
    private record Axis(double low, double high, double step) {
        /** @param pad widen by 5% on both sides (values), or not and in whole steps (frame numbers) */
        static Axis of(double min, double max, boolean pad) {
            if (!(max > min)) {
                // One value, or none: centre it in a range of 1.
                double centre = Double.isFinite(min) ? min : 0;
                min = centre - 0.5;
                max = centre + 0.5;
            } else if (pad) {
                double margin = (max - min) * 0.05;
                min -= margin;
                max += margin;
            }
            double step = roundStep((max - min) / 5);
            if (!pad) {
                // The x axis counts frames: whole steps only.
                step = Math.max(1, step);
            }
            return new Axis(Math.floor(min / step) * step, Math.ceil(max / step) * step, step);
        }

        /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
        private static double roundStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5}) {
                if (m * power >= raw) {
                    return m * power;
                }
            }
            return 10 * power;
        }

        int decimals() {
            return step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        }
    }

    private static void drawAxes(Graphics2D g, Plot p, String xLabel, String yLabel) {
        FontMetrics fm = g.getFontMetrics();
        int bottom = p.top() + p.height();
        int right = p.left() + p.width();
        int yTicks = (int) Math.round((p.y().high - p.y().low) / p.y().step);
        for (int i = 0; i <= yTicks; i++) {
            double v = p.y().low + i * p.y().step;
            int y = (int) Math.round(p.py(v));
            g.setColor(GRID);
            g.drawLine(p.left(), y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(p.left() - 5, y, p.left(), y);
            String text = String.format(Locale.ROOT, "%." + p.y().decimals() + "f", v);
            g.drawString(text, p.left() - 8 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);
        }
        int xTicks = (int) Math.round((p.x().high - p.x().low) / p.x().step);
        for (int i = 0; i <= xTicks; i++) {
            double v = p.x().low + i * p.x().step;
            int x = (int) Math.round(p.px(v));
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, bottom, x, bottom + 5);
            String text = String.format(Locale.ROOT, "%." + p.x().decimals() + "f", v);
            g.drawString(text, x - fm.stringWidth(text) / 2, bottom + 8 + fm.getAscent());
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(p.left(), p.top(), p.left(), bottom);
        g.drawLine(p.left(), bottom, right, bottom);
        g.drawString(xLabel, p.left() + (p.width() - fm.stringWidth(xLabel)) / 2, HEIGHT - 10);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(p.top() + (p.height() + fm.stringWidth(yLabel)) / 2), 16);
        g.setTransform(saved);
    }

    private static void drawLine(Graphics2D g, Plot p, double[] values, int firstX, Color colour) {
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        int[] previous = null;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                previous = null;
                continue;
            }
            int[] point = {(int) Math.round(p.px(firstX + i)), (int) Math.round(p.py(values[i]))};
            if (previous != null) {
                g.drawLine(previous[0], previous[1], point[0], point[1]);
            }
            g.fillOval(point[0] - 3, point[1] - 3, 7, 7);
            previous = point;
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void drawLegend(Graphics2D g, List<Series> series) {
        FontMetrics fm = g.getFontMetrics();
        int x = WIDTH - RIGHT + 16;
        for (int i = 0; i < series.size(); i++) {
            int y = TOP + 8 + i * (fm.getHeight() + 6);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, y - 4, 22, 4);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).label(), x + 30, y + fm.getAscent() / 2 - 2);
        }
    }

    private static double min(List<Series> series) {
        return series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).filter(Double::isFinite)
                .min().orElse(Double.NaN);
    }

    private static double max(List<Series> series) {
        return series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).filter(Double::isFinite)
                .max().orElse(Double.NaN);
    }
}
