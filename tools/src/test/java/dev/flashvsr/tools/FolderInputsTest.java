package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files folder mode takes, and the names their outputs get. */
class FolderInputsTest {

    @TempDir
    Path in;

    @Test
    void videosByExtensionInSortedOrderWithoutHiddenOnes() throws IOException {
        for (String name : List.of("b.MKV", "a.mp4", "z/c.webm", "z/y/d.m2ts", ".hidden.mp4", ".cache/e.mp4",
                "notes.txt", "mp4", "z/readme", "z/f.Ts")) {
            Path file = in.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "");
        }
        Files.createDirectories(in.resolve("folder.mp4"));
        Files.createSymbolicLink(in.resolve("loop"), in);

        assertEquals(List.of("a.mp4", "b.MKV"), names(FolderInputs.find(in, false)));
        assertEquals(List.of("a.mp4", "b.MKV", "z/c.webm", "z/f.Ts", "z/y/d.m2ts"), names(FolderInputs.find(in, true)),
                "a folder named like a video is a folder; a link to a folder is not followed");
    }

    @Test
    void outputsKeepTheNameTheMuxersCanWriteElseBecomeMatroska() {
        assertEquals(Path.of("sub/a.mp4"), FolderPaths.outputName(Path.of("sub/a.mp4"), VideoCodec.H264));
        assertEquals(Path.of("A.MKV"), FolderPaths.outputName(Path.of("A.MKV"), VideoCodec.H264));
        assertEquals(Path.of("sub/clip.mkv"), FolderPaths.outputName(Path.of("sub/clip.mov"), VideoCodec.H264));
        assertEquals(Path.of("x.y.mkv"), FolderPaths.outputName(Path.of("x.y.m2ts"), VideoCodec.H264));
        assertEquals(Path.of("sub/a.mkv"), FolderPaths.outputName(Path.of("sub/a.mp4"), VideoCodec.FFV1),
                "MP4 cannot hold FFV1");
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(Path::toString).toList();
    }
}
