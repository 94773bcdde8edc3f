package dev.flashvsr.tools.eval;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Writes {@code flashvsr eval --report}: {@code index.html} and its images in {@code img/}. The
 * page needs nothing but these files (styles inline, images by relative path, no scripts or
 * fonts from elsewhere), so it opens from disk without a network. Every text from outside (image
 * and model names) is escaped.
 */
final class HtmlReport {

    /** Folder of the images, relative to the page. */
    static final String IMAGES = "img";
    static final String PAGE = "index.html";
    /** Crops are shown at this zoom, pixels as sharp blocks. */
    static final int CROP_ZOOM = 2;

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1400px; }
            table { border-collapse: collapse; margin: 8px 0 16px 0; }
            th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
            th.name, td.name { text-align: left; }
            table.crops td { border: none; text-align: center; vertical-align: top; font-size: 90%; }
            img.crop { image-rendering: pixelated; image-rendering: crisp-edges; }
            pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; }
            .note { color: #555; }
            """;

    private final String heading;
    private final List<Evaluator.ModelResult> results;
    private final String referenceModel;
    private final int scale;
    private final List<ClipPanel> panels;

    /**
     * @param heading what eval prints above its tables (settings and definitions), shown as is
     */
    HtmlReport(String heading, List<Evaluator.ModelResult> results, String referenceModel, int scale,
            List<ClipPanel> panels) {
        this.heading = heading;
        this.results = List.copyOf(results);
        this.referenceModel = referenceModel;
        this.scale = scale;
        this.panels = List.copyOf(panels);
    }

    /** Writes the page and its images into {@code dir}, which must exist. */
    void write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(IMAGES));
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>flashvsr eval x")
                .append(scale).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        html.append("<h1>flashvsr eval x").append(scale).append("</h1>\n<pre>").append(escape(heading.strip()))
                .append("</pre>\n");
        summary(html);
        for (int i = 0; i < panels.size(); i++) {
            panel(html, dir, i + 1, panels.get(i));
        }
        html.append("</body>\n</html>\n");
        Files.writeString(dir.resolve(PAGE), html, StandardCharsets.UTF_8);
    }

    private void summary(StringBuilder html) {
        html.append("<h2>Summary</h2>\n<p class=\"note\">Mean over images; differences from ")
                .append(escape(referenceModel)).append(" in parentheses; higher PSNR-Y and SSIM-Y and lower "
                        + "temporal error are better.</p>\n<table class=\"summary\">\n<tr><th class=\"name\">input</th>"
                        + "<th class=\"name\">model</th><th>PSNR-Y (dB)</th><th>SSIM-Y</th><th>temp.err</th>"
                        + "<th>ms/frame</th></tr>\n");
        for (Evaluator.ModelResult r : results) {
            Scores m = r.mean();
            Optional<Scores> ref = ReportWriter.reference(results, referenceModel, r.degradation())
                    .map(Evaluator.ModelResult::mean);
            html.append("<tr><td class=\"name\">").append(escape(r.degradation().label())).append("</td>")
                    .append("<td class=\"name\">").append(escape(r.model())).append("</td>")
                    .append(cell(ReportWriter.psnr(m.psnr()), ref.map(b -> ReportWriter.delta(m.psnr() - b.psnr(), 2))))
                    .append(cell(ReportWriter.ssim(m.ssim()), ref.map(b -> ReportWriter.delta(m.ssim() - b.ssim(), 4))))
                    .append(cell(ReportWriter.temporal(m.temporalError()),
                            ref.map(b -> ReportWriter.delta(m.temporalError() - b.temporalError(), 3))))
                    .append(cell(String.format(Locale.ROOT, "%.2f", r.msPerFrame()), Optional.empty()))
                    .append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static String cell(String value, Optional<String> difference) {
        return "<td>" + escape(value) + difference.map(d -> " (" + escape(d) + ")").orElse("") + "</td>";
    }

    private void panel(StringBuilder html, Path dir, int number, ClipPanel panel) throws IOException {
        String prefix = IMAGES + "/clip" + number + "-";
        DetailCrop crop = panel.crop();
        html.append("<h2 id=\"clip").append(number).append("\">").append(escape(panel.clipName())).append(", ")
                .append(escape(panel.degradation().describe())).append("</h2>\n");
        html.append("<p class=\"note\">").append(String.format(Locale.ROOT, "%dx%d crop at (%d, %d) of the last frame "
                + "(%d, counting from 0) of the %dx%d ground-truth window, chosen where the ground truth has the most detail (largest sum "
                + "of luma differences between neighbouring pixels); shown at %dx, pixels as blocks. The input is "
                + "the low-resolution crop enlarged %dx by nearest neighbour.", crop.side(), crop.side(), crop.x(),
                crop.y(), crop.frame(), panel.width(), panel.height(), CROP_ZOOM, scale)).append("</p>\n");
        html.append("<table class=\"crops\"><tr>\n");
        List<String> captions = new ArrayList<>();
        List<RgbImage> crops = new ArrayList<>();
        captions.add("input (nearest neighbour)");
        crops.add(panel.input());
        for (ClipPanel.Trace t : panel.traces()) {
            captions.add(t.label());
            crops.add(t.crop());
        }
        captions.add("ground truth");
        crops.add(panel.truth());
        int shown = crop.side() * CROP_ZOOM;
        for (int i = 0; i < crops.size(); i++) {
            String src = prefix + "crop" + i + ".png";
            png(crops.get(i).toBufferedImage(), dir.resolve(src));
            html.append("<td><img class=\"crop\" src=\"").append(src).append("\" width=\"").append(shown)
                    .append("\" height=\"").append(shown).append("\" alt=\"").append(escape(captions.get(i)))
                    .append("\"><br>").append(escape(captions.get(i))).append("</td>\n");
        }
        html.append("</tr></table>\n");
        charts(html, dir, prefix, panel);
        clipTable(html, number, panel);
    }

    private void charts(StringBuilder html, Path dir, String prefix, ClipPanel panel) throws IOException {
        List<LineChart.Series> psnr = new ArrayList<>();
        List<LineChart.Series> temporal = new ArrayList<>();
        for (ClipPanel.Trace t : panel.traces()) {
            psnr.add(new LineChart.Series(t.label(), t.psnr()));
            temporal.add(new LineChart.Series(t.label(), t.temporalError()));
        }
        String title = panel.clipName() + ", " + panel.degradation().label();
        png(LineChart.draw("PSNR-Y per frame: " + title, "frame", "PSNR-Y (dB)", 0, psnr), dir.resolve(prefix
                + "psnr.png"));
        html.append("<p><img src=\"").append(prefix).append("psnr.png\" width=\"").append(LineChart.WIDTH)
                .append("\" height=\"").append(LineChart.HEIGHT).append("\" alt=\"PSNR-Y per frame\"></p>\n");
        if (panel.frames() < 2) {
            html.append("<p class=\"note\">One frame: no temporal error.</p>\n");
            return;
        }
        png(LineChart.draw("Temporal error per frame: " + title, "frame (change from the previous one)",
                "temp.err (luma levels)", 1, temporal), dir.resolve(prefix + "temporal.png"));
        html.append("<p><img src=\"").append(prefix).append("temporal.png\" width=\"").append(LineChart.WIDTH)
                .append("\" height=\"").append(LineChart.HEIGHT).append("\" alt=\"temporal error per frame\"></p>\n");
    }

    /** The clip's own row of each model's table as eval prints it. */
    private void clipTable(StringBuilder html, int number, ClipPanel panel) {
        int row = (int) panels.subList(0, number - 1).stream()
                .filter(p -> p.degradation().equals(panel.degradation())).count();
        html.append("<table class=\"clip\">\n<tr><th class=\"name\">model</th><th>PSNR-Y (dB)</th><th>SSIM-Y</th>"
                + "<th>temp.err</th><th>MATD-out</th><th>MATD-gt</th></tr>\n");
        for (Evaluator.ModelResult r : results) {
            if (!r.degradation().equals(panel.degradation())) {
                continue;
            }
            Scores s = r.rows().get(row);
            html.append("<tr><td class=\"name\">").append(escape(r.model())).append("</td><td>")
                    .append(ReportWriter.psnr(s.psnr())).append("</td><td>").append(ReportWriter.ssim(s.ssim()))
                    .append("</td><td>").append(ReportWriter.temporal(s.temporalError())).append("</td><td>")
                    .append(ReportWriter.temporal(s.matdOutput())).append("</td><td>")
                    .append(ReportWriter.temporal(s.matdTruth())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void png(RenderedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in javax.imageio for " + file);
        }
    }

    /** Text as HTML: the five characters with a meaning in markup and attributes become references. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
