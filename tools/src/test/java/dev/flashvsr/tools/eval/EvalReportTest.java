package dev.flashvsr.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvsr.tools.CliTestSupport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flashvsr eval --report}: the page, its images and the rule for an existing folder. */
class EvalReportTest {

    private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>");
    private static final Pattern IMG_SRC = Pattern.compile("<img[^>]*\\ssrc=\"([^\"]*)\"");
    private static final Set<String> VOID_ELEMENTS = Set.of("meta", "img", "br");
    private static final List<String> MODELS = List.of("bicubic", "vsr-small-fast fp32", "vsr-small-fast int8");

    @TempDir
    Path dir;

    private CliTestSupport.Result eval(Path image, Path report, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", "vsr-small-fast", "--precision", "fp32,int8",
                "--scale", "2", "--frames", "3", "--images", image.toString(), "--report", report.toString(),
                "--quiet"));
        args.addAll(List.of(more));
        return CliTestSupport.run(args.toArray(String[]::new));
    }

    @Test
    void writesAPageWhoseImagesAllExistWithCropsAndCharts() throws Exception {
        // A name with markup characters: it must reach the page escaped.
        Path image = CliTestSupport.writePhoto(dir, "a&b<c>.png", 96, 80);
        Path report = dir.resolve("report");
        CliTestSupport.Result r = eval(image, report);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Report written to " + report.resolve("index.html")), r::toString);
        String html = Files.readString(report.resolve("index.html"));

        assertBalanced(html);
        assertFalse(html.contains("http://") || html.contains("https://"), "no network references");
        assertFalse(html.contains("a&b<c>.png"), "raw name in the page");
        assertTrue(html.contains("a&amp;b&lt;c&gt;.png"), "escaped name in the page");

        List<String> sources = new ArrayList<>();
        Matcher m = IMG_SRC.matcher(html);
        while (m.find()) {
            sources.add(m.group(1));
        }
        // Input, three models and the ground truth; a PSNR and a temporal chart.
        assertEquals(7, sources.size(), sources::toString);
        for (String src : sources) {
            assertFalse(src.startsWith("/") || src.contains(":"), "relative path: " + src);
            assertTrue(Files.isRegularFile(report.resolve(src)), "missing " + src);
        }
        List<BufferedImage> crops = new ArrayList<>();
        for (String src : sources.subList(0, 5)) {
            crops.add(ImageIO.read(report.resolve(src).toFile()));
        }
        for (BufferedImage crop : crops) {
            assertEquals(64, crop.getWidth(), "the 64x64 window is the whole crop");
            assertEquals(64, crop.getHeight());
        }
        assertFalse(sameImage(crops.get(1), crops.get(2)), "bicubic and the model differ");

        for (String chart : sources.subList(5, 7)) {
            BufferedImage plot = ImageIO.read(report.resolve(chart).toFile());
            assertEquals(LineChart.WIDTH, plot.getWidth(), chart);
            assertEquals(LineChart.HEIGHT, plot.getHeight(), chart);
            for (int i = 0; i < MODELS.size(); i++) {
                assertTrue(ReportPartsTest.count(plot, LineChart.PALETTE[i].getRGB()) > 30,
                        chart + ": line of " + MODELS.get(i));
            }
        }

        String summary = html.substring(html.indexOf("<table class=\"summary\">"), html.indexOf("</table>"));
        for (String model : MODELS) {
            assertEquals(1, occurrences(summary, "<td class=\"name\">" + model + "</td>"), model + " in " + summary);
        }
        String clip = html.substring(html.indexOf("<table class=\"clip\">"));
        for (String model : MODELS) {
            assertEquals(1, occurrences(clip, "<tr><td class=\"name\">" + model + "</td>"), model + " in " + clip);
        }

        // The README's screenshot is made this way: Swing renders the page with its images.
        Path shot = dir.resolve("shot.png");
        ReportScreenshot.main(new String[] {report.toString(), shot.toString(), "900", "700"});
        BufferedImage page = ImageIO.read(shot.toFile());
        assertEquals(900, page.getWidth());
        assertTrue(ReportPartsTest.count(page, 0xffffffff) < 900 * page.getHeight() * 0.95,
                "the screenshot shows something");
    }

    @Test
    void aFolderThatIsNotEmptyIsRefusedUnlessOverwriteWhichKeepsOtherFiles() throws IOException {
        Path image = CliTestSupport.writePhoto(dir, "p.png", 64, 48);
        Path report = dir.resolve("report");
        Files.createDirectories(report.resolve("img"));
        Path stale = Files.writeString(report.resolve("img").resolve("stale.png"), "old");
        Path mine = Files.writeString(report.resolve("notes.txt"), "keep me");

        CliTestSupport.Result refused = eval(image, report);
        assertEquals(2, refused.code(), refused::toString);
        assertTrue(refused.err().contains("is not empty") && refused.err().contains("--overwrite"), refused::toString);
        assertTrue(Files.exists(stale) && !Files.exists(report.resolve("index.html")));

        CliTestSupport.Result replaced = eval(image, report, "--overwrite");
        assertEquals(0, replaced.code(), replaced::toString);
        assertTrue(Files.isRegularFile(report.resolve("index.html")));
        assertFalse(Files.exists(stale), "the old img/ is replaced whole");
        assertEquals("keep me", Files.readString(mine));
        assertEquals(List.of("report"), entries(dir).stream().filter(n -> !n.endsWith(".png")).toList(),
                "no staging folder left");
    }

    @Test
    void aFailedRunLeavesNoReport() throws IOException {
        Path image = CliTestSupport.writePhoto(dir, "p.png", 64, 48);
        Path report = dir.resolve("report");
        CliTestSupport.Result r = CliTestSupport.run("eval", "--model", "no-such-model", "--images", image.toString(),
                "--report", report.toString(), "--quiet");
        assertEquals(1, r.code(), r::toString);
        assertEquals(List.of("p.png"), entries(dir));
        CliTestSupport.Result file = CliTestSupport.run("eval", "--images", image.toString(), "--report",
                image.toString());
        assertEquals(2, file.code(), file::toString);
        assertTrue(file.err().contains("is not a folder"), file::toString);
    }

    @Test
    void anUnfinishedReportFolderIsDeletedAndNothingIsMovedIntoPlace() throws IOException {
        Path report = dir.resolve("report");
        try (ReportFolder folder = ReportFolder.beside(report)) {
            Files.writeString(folder.path().resolve("index.html"), "half");
        }
        assertEquals(List.of(), entries(dir));
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every element that is opened is closed, in order (void elements aside). */
    private static void assertBalanced(String html) {
        Deque<String> open = new ArrayDeque<>();
        Matcher m = TAG.matcher(html.replaceFirst("<!DOCTYPE html>", ""));
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (VOID_ELEMENTS.contains(name)) {
                continue;
            }
            if (m.group(1).isEmpty()) {
                open.push(name);
            } else {
                assertEquals(name, open.isEmpty() ? "(nothing open)" : open.pop(), "closing tag at " + m.start());
            }
        }
        assertTrue(open.isEmpty(), "unclosed " + open);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean sameImage(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
