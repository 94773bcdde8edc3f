package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two folders of {@code flashvsr upscale DIR_IN DIR_OUT}, checked before anything is written,
 * and where each input's output goes.
 *
 * @param input  IN's real path
 * @param output OUT with every link and {@code ..} in its existing part resolved
 */
record FolderPaths(Path input, Path output) {

    /** Checks IN (an existing folder) against OUT; refusals are usage errors (exit 2) saying what to do. */
    static FolderPaths check(Path in, Path out) {
        Path realIn;
        try {
            realIn = in.toRealPath();
        } catch (IOException e) {
            throw CliException.usage("cannot read the input folder '" + in + "': " + ErrorText.describe(e));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw CliException.usage("OUT '" + out + "' is a file, but IN '" + in + "' is a folder: name a folder for"
                    + " the upscaled videos (it is created if missing)");
        }
        Path realOut = resolveExistingPart(out);
        if (realOut.equals(realIn)) {
            throw CliException.usage("OUT '" + out + "' is the input folder itself: name another folder for the"
                    + " upscaled videos, e.g. '" + realIn + "-upscaled'");
        }
        if (realOut.startsWith(realIn)) {
            throw CliException.usage("OUT '" + out + "' is inside IN '" + in + "' (as " + realOut + "): a later run"
                    + " would upscale the outputs again; name a folder outside IN, e.g. '" + realIn + "-upscaled'");
        }
        return new FolderPaths(realIn, realOut);
    }

    /** Creates OUT (and the folders above it) when missing. */
    void createOutput() {
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw CliException.usage("cannot create the output folder '" + output + "': " + ErrorText.describe(e));
        }
    }

    /**
     * Where the upscaled video of {@code relative} (a path under IN) goes under OUT: the same path
     * when it ends in .mp4 or .mkv and that container holds the codec, otherwise the same name with
     * {@code .mkv} (Matroska holds every codec and whatever the input carried). A .mov input becomes
     * .mkv too, as it did before .mov could be written, so that earlier outputs are still found.
     */
    static Path outputName(Path relative, VideoCodec codec) {
        String name = relative.getFileName().toString();
        OutputContainer container = OutputContainer.forFileName(name);
        if (container != null && container != OutputContainer.MOV && container.holds(codec)) {
            return relative;
        }
        String ext = FolderInputs.extension(name);
        String stem = ext == null ? name : name.substring(0, name.length() - ext.length() - 1);
        return relative.resolveSibling(stem + ".mkv");
    }

    /**
     * {@code path} absolute, its longest existing part as a real path (links and {@code ..} resolved,
     * so a link into IN cannot hide that OUT is inside it), the rest appended as written.
     */
    private static Path resolveExistingPart(Path path) {
        Path absolute = path.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            throw CliException.usage("cannot use the output folder '" + path + "': " + ErrorText.describe(e));
        }
    }
}
