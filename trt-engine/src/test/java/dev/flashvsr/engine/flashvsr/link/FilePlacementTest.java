package dev.flashvsr.engine.flashvsr.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three ways of placing a release file, on a file larger than the hashing buffer. */
class FilePlacementTest {
    @TempDir
    Path dir;
    Path source;
    byte[] content;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void writeSource() throws IOException {
        content = new byte[(3 << 20) + 12345]; // several buffers and a partial one
        new Random(7).nextBytes(content);
        source = Files.write(dir.resolve("weights.bin"), content);
    }

    private String expectedSha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    private void assertRecords(FileRecord record, Path placed) throws Exception {
        assertEquals(placed.getFileName().toString(), record.file());
        assertEquals(content.length, record.size());
        assertEquals(expectedSha256(), record.sha256());
        assertEquals(Files.getLastModifiedTime(placed).toInstant(), record.modified());
        assertArrayEquals(content, Files.readAllBytes(placed));
    }

    @Test
    void hardLinkSharesTheFileAndRecordsItsContent() throws Exception {
        Path placed = dir.resolve("linked.bin");
        FileRecord record = new HardLinkPlacement().place(source, placed, progress::add);
        assertEquals(inode(source), inode(placed), "the same file, not a copy");
        assertRecords(record, placed);
        assertEquals(Files.getLastModifiedTime(source).toInstant(), record.modified(), "a link shares the time");
    }

    @Test
    void hardLinkToAFolderIsUnavailableAndLeavesNothing() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Path placed = dir.resolve("linked");
        FilePlacement.Unavailable e = assertThrows(FilePlacement.Unavailable.class,
                () -> new HardLinkPlacement().place(folder, placed, progress::add));
        assertFalse(e.getMessage().isBlank());
        assertFalse(Files.exists(placed, LinkOption.NOFOLLOW_LINKS));
    }

    /** ext4 and tmpfs have no clones, Btrfs and XFS do: either outcome is right, a half-made file is not. */
    @Test
    void reflinkClonesOrIsUnavailableLeavingNothing() throws Exception {
        Path placed = dir.resolve("cloned.bin");
        try {
            FileRecord record = new ReflinkPlacement().place(source, placed, progress::add);
            assertNotEquals(inode(source), inode(placed), "a clone is a file of its own");
            assertRecords(record, placed);
        } catch (FilePlacement.Unavailable e) {
            assertFalse(e.getMessage().isBlank() || e.getMessage().contains(dir.toString()),
                    () -> "cp's reason, without the paths the progress line names anyway: " + e.getMessage());
            assertFalse(Files.exists(placed, LinkOption.NOFOLLOW_LINKS), "cp's empty target is removed");
        }
    }

    @Test
    void copyWritesAFileOfItsOwnAndHashesItOnTheWay() throws Exception {
        Path placed = dir.resolve("copied.bin");
        FileRecord record = new CopyPlacement().place(source, placed, progress::add);
        assertNotEquals(inode(source), inode(placed));
        assertRecords(record, placed);
        assertEquals(List.of(), progress, "no progress line under a GB");
    }

    @Test
    void noWayReplacesAnExistingFile() throws Exception {
        for (FilePlacement placement : FilePlacement.linkOrCopy()) {
            Path existing = Files.writeString(dir.resolve("existing-" + placement.way()), "keep");
            assertThrows(FileAlreadyExistsException.class, () -> placement.place(source, existing, progress::add),
                    placement.way().verb());
            assertEquals("keep", Files.readString(existing), placement.way().verb());
        }
    }

    @Test
    void digestsAreSixtyFourLowercaseHexDigits() throws Exception {
        assertTrue(Sha256.isDigest(expectedSha256()));
        assertEquals(expectedSha256(), Sha256.of(source, progress::add));
        assertFalse(Sha256.isDigest(expectedSha256().toUpperCase(java.util.Locale.ROOT)));
        assertFalse(Sha256.isDigest(expectedSha256().substring(1)));
        assertFalse(Sha256.isDigest(expectedSha256().substring(1) + "g"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.ofText(""));
    }
}
