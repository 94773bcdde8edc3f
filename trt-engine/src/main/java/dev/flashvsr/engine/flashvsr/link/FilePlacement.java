package dev.flashvsr.engine.flashvsr.link;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One way to put a release file into a package: a hard link, a reflink (copy-on-write clone) or
 * a copy. {@code import --link} tries them in that order per file; a plain import copies.
 */
public interface FilePlacement {

    /** Hard link, else reflink, else copy. */
    static List<FilePlacement> linkOrCopy() {
        return List.of(new HardLinkPlacement(), new ReflinkPlacement(), new CopyPlacement());
    }

    /** Copy only. */
    static List<FilePlacement> copy() {
        return List.of(new CopyPlacement());
    }

    /** Which way this is. */
    Way way();

    /**
     * Puts {@code from} (a regular file, links resolved) at {@code to} (which must not exist) and
     * records what is there; {@code progress} gets a line per GB read.
     *
     * @throws Unavailable when this way is not possible for these two paths (another filesystem, no
     *                     reflink support); nothing is left at {@code to} then
     * @throws IOException when reading or writing fails
     */
    FileRecord place(Path from, Path to, Consumer<String> progress) throws IOException, Unavailable;

    /** The ways, in the words of the progress lines. */
    enum Way {
        HARD_LINK("hard link", "hard-linked"), REFLINK("reflink", "reflinked"), COPY("copy", "copied");

        private final String noun;
        private final String verb;

        Way(String noun, String verb) {
            this.noun = noun;
            this.verb = verb;
        }

        /** What the lines call it when it is not possible: "no hard link (...)". */
        public String noun() {
            return noun;
        }

        /** How the lines say it was done: "hard-linked FILE". */
        public String verb() {
            return verb;
        }
    }

    /** This way of placing a file is not possible here; the message says why, for the progress line. */
    final class Unavailable extends Exception {
        public Unavailable(String reason) {
            super(reason);
        }
    }
}
