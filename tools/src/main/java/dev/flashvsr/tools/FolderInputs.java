package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The videos of an input folder for {@code flashvsr upscale DIR_IN DIR_OUT}: files whose extension
 * names a video container, hidden files and folders left out, as paths relative to the folder in
 * sorted order. Links to folders are not followed (a link back up would loop); links to files are
 * listed like the files.
 */
final class FolderInputs {
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "mts", "m2ts",
            "flv", "ogv", "mpg", "mpeg");

    private FolderInputs() {
    }

    /** The videos under {@code root}: its own files only, or with {@code recursive} those of every sub-folder. */
    static List<Path> find(Path root, boolean recursive) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class),
                    recursive ? Integer.MAX_VALUE : 1, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return dir.equals(root) || !isHidden(dir) ? FileVisitResult.CONTINUE
                                    : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            // At the depth limit a folder arrives here too: it is not a file to upscale.
                            if (!attrs.isDirectory() && !isHidden(file) && isVideoName(file)) {
                                found.add(root.relativize(file));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (file.equals(root)) {
                                throw e;
                            }
                            // An unreadable sub-folder or entry: listed, so that the run reports it as failed
                            // instead of silently leaving out what it holds.
                            if (!isHidden(file)) {
                                found.add(root.relativize(file));
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw CliException.usage("cannot list the input folder '" + root + "': " + ErrorText.describe(e));
        }
        found.sort(null);
        return found;
    }

    static boolean isVideoName(Path file) {
        String ext = extension(file.getFileName().toString());
        return ext != null && VIDEO_EXTENSIONS.contains(ext.toLowerCase(Locale.ROOT));
    }

    /** The text after the last dot of a name, or null when there is none (or only a leading one). */
    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 || dot == name.length() - 1 ? null : name.substring(dot + 1);
    }

    private static boolean isHidden(Path path) {
        return path.getFileName().toString().startsWith(".");
    }
}
