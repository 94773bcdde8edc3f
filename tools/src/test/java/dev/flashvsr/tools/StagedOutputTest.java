package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StagedOutput} on real files: what is left at the destination and beside it in each case. */
class StagedOutputTest {

    @TempDir
    Path dir;

    /** The names in {@code dir}, sorted; a leftover staging folder would show here. */
    static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void stagesInAHiddenFolderBesideTheDestination() throws IOException {
        Path out = dir.resolve("clip.mp4");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Path stagingFolder = staged.path().getParent();
            assertEquals(dir, stagingFolder.getParent());
            assertTrue(stagingFolder.getFileName().toString().matches("\\.clip\\.mp4\\.flashvsr-[0-9a-f]{8}\\.part"),
                    stagingFolder::toString);
            assertEquals("clip.mp4", staged.path().getFileName().toString());
            assertFalse(Files.exists(staged.path()), "the command creates the output itself");
        }
        assertEquals(List.of(), entries(dir));
    }

    @Test
    void commitReplacesAnExistingFileAndLeavesNothingElse() throws IOException {
        Path out = Files.writeString(dir.resolve("out.mp4"), "old");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.writeString(staged.path(), "new");
            assertEquals("old", Files.readString(out), "untouched until the commit");
            staged.commit();
            assertTrue(staged.committed());
        }
        assertEquals("new", Files.readString(out));
        assertEquals(List.of("out.mp4"), entries(dir));
    }

    @Test
    void closingWithoutCommitLeavesTheDestinationAsItWas() throws IOException {
        byte[] old = "precious".getBytes(StandardCharsets.UTF_8);
        Path out = Files.write(dir.resolve("out.mp4"), old);
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.createDirectories(staged.path().resolveSibling("nested"));
            Files.writeString(staged.path(), "half-written");
        }
        assertArrayEquals(old, Files.readAllBytes(out));
        assertEquals(List.of("out.mp4"), entries(dir));
    }

    @Test
    void aLinkAtTheDestinationIsReplacedItselfAndItsTargetKept() throws IOException {
        Path target = Files.writeString(dir.resolve("target.mp4"), "target");
        Path link = Files.createSymbolicLink(dir.resolve("out.mp4"), target.getFileName());
        try (StagedOutput staged = StagedOutput.beside(link)) {
            Files.writeString(staged.path(), "new");
            staged.commit();
        }
        assertFalse(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(link));
        assertEquals("target", Files.readString(target));
    }

    @Test
    void aFolderIsNotMovedOntoAnExistingOne() throws IOException {
        Path out = Files.createDirectories(dir.resolve("pkg"));
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.createDirectories(staged.path());
            Files.writeString(staged.path().resolve("manifest.json"), "{}");
            assertThrows(FileAlreadyExistsException.class, staged::commit);
            assertFalse(staged.committed());
        }
        assertEquals(List.of(), entries(out), "the existing (empty) folder is kept, not replaced");
        assertEquals(List.of("pkg"), entries(dir));
    }

    @Test
    void commitIntoReplacesNamesakesAndKeepsOtherFiles() throws IOException {
        Path out = Files.createDirectories(dir.resolve("pkg"));
        Files.writeString(out.resolve("weights.safetensors"), "weights");
        Files.writeString(out.resolve("manifest.json"), "old");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.createDirectories(staged.path());
            Files.writeString(staged.path().resolve("manifest.json"), "new");
            Files.writeString(staged.path().resolve("x4.onnx"), "graph");
            staged.commitInto();
        }
        assertEquals(List.of("manifest.json", "weights.safetensors", "x4.onnx"), entries(out));
        assertEquals("new", Files.readString(out.resolve("manifest.json")));
        assertEquals("weights", Files.readString(out.resolve("weights.safetensors")));
        assertEquals(List.of("pkg"), entries(dir));
    }

    @Test
    void commitIntoANewFolderRenamesIt() throws IOException {
        Path out = dir.resolve("pkg");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.createDirectories(staged.path());
            Files.writeString(staged.path().resolve("x4.onnx"), "graph");
            staged.commitInto();
        }
        assertEquals(List.of("x4.onnx"), entries(out));
        assertEquals(List.of("pkg"), entries(dir));
    }

    @Test
    void nothingIsCommittedAfterTheStagingWasDiscarded() throws IOException {
        Path out = Files.writeString(dir.resolve("out.mp4"), "old");
        StagedOutput staged = StagedOutput.beside(out);
        Files.writeString(staged.path(), "new");
        staged.close();
        IOException e = assertThrows(IOException.class, staged::commit);
        assertTrue(e.getMessage().contains("discarded"), e::getMessage);
        assertEquals("old", Files.readString(out));
        assertEquals(List.of("out.mp4"), entries(dir));
    }

    @Test
    void committingWhatWasNeverWrittenFails() throws IOException {
        Path out = Files.writeString(dir.resolve("out.mp4"), "old");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            assertThrows(IOException.class, staged::commit);
        }
        assertEquals("old", Files.readString(out));
        assertEquals(List.of("out.mp4"), entries(dir));
    }

    @Test
    void deletingTheStagingDoesNotFollowLinksOutOfIt() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path out = dir.resolve("pkg");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            Files.createDirectories(staged.path());
            Files.createSymbolicLink(staged.path().resolve("link"), outside);
        }
        assertEquals("keep", Files.readString(outside.resolve("keep.txt")));
        assertEquals(List.of("outside"), entries(dir));
    }

    @Test
    void aLongNameIsLeftOutOfTheStagingFolderName() throws IOException {
        Path out = dir.resolve("x".repeat(200) + ".mp4");
        try (StagedOutput staged = StagedOutput.beside(out)) {
            assertTrue(staged.path().getParent().getFileName().toString().matches("\\.flashvsr-[0-9a-f]{8}\\.part"));
            Files.writeString(staged.path(), "new");
            staged.commit();
        }
        assertEquals("new", Files.readString(out));
    }
}
