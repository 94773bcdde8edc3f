package dev.flashvsr.tools.eval;

import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.swing.JEditorPane;
import javax.swing.text.BadLocationException;
import javax.swing.text.ViewFactory;
import javax.swing.text.html.HTML;
import javax.swing.text.html.HTMLDocument;
import javax.swing.text.html.HTMLEditorKit;
import javax.swing.text.html.ImageView;

/**
 * Renders an eval report's index.html to a PNG with Swing's own HTML renderer (HTML 3.2 and a
 * little CSS; no browser is installed where the README's screenshot was made), headless.
 * Usage: {@code ReportScreenshot REPORT_DIR OUT.png WIDTH MAX_HEIGHT}.
 */
public final class ReportScreenshot {

    private ReportScreenshot() {
    }

    /** The HTML kit with images loaded before painting, not in the background. */
    private static final class SynchronousImages extends HTMLEditorKit {
        @Override
        public ViewFactory getViewFactory() {
            ViewFactory html = super.getViewFactory();
            return element -> {
                if (element.getAttributes().getAttribute(javax.swing.text.StyleConstants.NameAttribute) == HTML.Tag.IMG) {
                    ImageView image = new ImageView(element);
                    image.setLoadsSynchronously(true);
                    return image;
                }
                return html.create(element);
            };
        }
    }

    public static void main(String[] args) throws IOException, BadLocationException {
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]);
        int width = Integer.parseInt(args[2]);
        int maxHeight = Integer.parseInt(args[3]);
        HTMLEditorKit kit = new SynchronousImages();
        HTMLDocument document = (HTMLDocument) kit.createDefaultDocument();
        document.setBase(dir.toUri().toURL());
        document.putProperty("IgnoreCharsetDirective", Boolean.TRUE);
        try (Reader page = Files.newBufferedReader(dir.resolve(HtmlReport.PAGE), StandardCharsets.UTF_8)) {
            kit.read(page, document, 0);
        }
        JEditorPane pane = new JEditorPane();
        pane.setEditorKit(kit);
        pane.setDocument(document);
        pane.setEditable(false);
        pane.setSize(width, 10);
        Dimension preferred = pane.getPreferredSize();
        int height = Math.min(preferred.height, maxHeight);
        pane.setSize(width, preferred.height);
        BufferedImage shot = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = shot.createGraphics();
        try {
            pane.paint(g);
        } finally {
            g.dispose();
        }
        ImageIO.write(shot, "png", Path.of(args[1]).toFile());
    }
}
