package dev.flashvsr.tools.eval;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Where {@code eval --report DIR} writes: first into a hidden staging folder beside DIR, moved into
 * place only when the whole report is written, so a failed run leaves no half report (and an
 * earlier report stays as it was). The rule for an existing DIR:
 * <ul>
 *   <li>absent or empty: the report becomes DIR;</li>
 *   <li>not empty: refused, unless {@code --overwrite}, which replaces the report's own entries
 *       ({@code index.html} and {@code img/}) and leaves every other file in DIR alone.</li>
 * </ul>
 */
final class ReportFolder implements AutoCloseable {

    private final Path destination;
    private final Path staging;
    private boolean committed;

    private ReportFolder(Path destination, Path staging) {
        this.destination = destination;
        this.staging = staging;
    }

    /**
     * Checks the rule above before any work is done.
     *
     * @return why DIR cannot take the report, or null when it can
     */
    static String refusal(Path dir, boolean overwrite) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (absolute.getParent() == null || !Files.isDirectory(absolute.getParent())) {
            return "the folder that would hold the report folder '" + dir + "' does not exist; create it first";
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return "--report '" + dir + "' exists and is not a folder; name a new or empty folder";
        }
        if (!overwrite && !isEmpty(dir)) {
            return "--report folder '" + dir + "' is not empty; name a new or empty folder, or add --overwrite to "
                    + "replace its " + HtmlReport.PAGE + " and " + HtmlReport.IMAGES + "/ (other files stay)";
        }
        return null;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** Creates the staging folder beside {@code dir}. */
    static ReportFolder beside(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        for (int attempt = 0; ; attempt++) {
            // Not Files.createTempDirectory: its owner-only permissions would become the report's.
            Path staging = absolute.resolveSibling("." + absolute.getFileName() + ".flashvsr-report-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
            try {
                return new ReportFolder(absolute, Files.createDirectory(staging));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 10) {
                    throw taken;
                }
            }
        }
    }

    /** Where the report is written until {@link #commit()}. */
    Path path() {
        return staging;
    }

    /** Moves the written report into place (see the class comment). */
    void commit() throws IOException {
        if (!Files.exists(destination, LinkOption.NOFOLLOW_LINKS) || isEmpty(destination)) {
            // rename(2) replaces an empty folder.
            Files.move(staging, destination, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            return;
        }
        Path images = destination.resolve(HtmlReport.IMAGES);
        if (Files.exists(images, LinkOption.NOFOLLOW_LINKS)) {
            // Into the staging folder, which is deleted at the end.
            Files.move(images, staging.resolve("previous-" + HtmlReport.IMAGES), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging.resolve(HtmlReport.IMAGES), images, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging.resolve(HtmlReport.PAGE), destination.resolve(HtmlReport.PAGE),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        delete(staging);
        committed = true;
    }

    /** Deletes the staging folder unless the report was moved into place. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            delete(staging);
        }
    }

    private static void delete(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> tree = Files.walk(root)) {
            paths = tree.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
