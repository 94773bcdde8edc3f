package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks of the file or folder a command writes, before anything is done. Each returns the output
 * in its parent folder's real path (links resolved, the output's own name kept): the folder where
 * it is staged and renamed into place.
 */
final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * A folder to create: it must not exist, the folder holding it must.
     *
     * @param option how the command line names it, for messages
     */
    static Path newFolder(Path folder, String option) {
        Path resolved = inExistingParent(folder, option);
        if (Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw CliException.usage(option + " '" + folder + "' already exists; name a new folder");
        }
        return resolved;
    }

    /** A folder to create, or an existing one whose files of the same names are replaced. */
    static Path newOrExistingFolder(Path folder, String option) {
        Path resolved = inExistingParent(folder, option);
        if (Files.exists(resolved) && !Files.isDirectory(resolved)) {
            throw CliException.usage(option + " '" + folder + "' is a file, not a folder");
        }
        return resolved;
    }

    /** A file or folder whose parent folder exists and can be written. */
    static Path inExistingParent(Path folder, String option) {
        Path absolute = folder.toAbsolutePath();
        Path name = absolute.getFileName();
        if (name == null || name.toString().equals(".") || name.toString().equals("..")) {
            throw CliException.usage(option + " '" + folder + "' must end in the folder's own name");
        }
        Path parent = absolute.getParent();
        if (!Files.isDirectory(parent)) {
            throw CliException.usage("'" + parent + "', the folder that would hold " + option
                    + ", does not exist or is not a folder");
        }
        if (!Files.isWritable(parent)) {
            throw CliException.usage("cannot write in '" + parent + "' (permission denied)");
        }
        try {
            return parent.toRealPath().resolve(name.toString());
        } catch (IOException e) {
            throw CliException.usage("cannot use the folder '" + parent + "': " + ErrorText.describe(e));
        }
    }

    /** Whether both paths reach the same existing file (through links, hard links or any spelling). */
    static boolean sameFile(Path existing, Path out) {
        if (!Files.exists(out)) {
            return false;
        }
        try {
            return Files.isSameFile(existing, out);
        } catch (IOException e) {
            throw CliException.usage("cannot tell whether '" + out + "' is '" + existing + "': "
                    + ErrorText.describe(e));
        }
    }
}
