package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeSampleCommandTest {

    @TempDir
    Path dir;

    @Test
    void makesTheSameFileTwice() throws IOException {
        Path photo = CliTestSupport.writePhoto(dir, 400, 300);
        String[] options = {"--photo", photo.toString(), "--width", "80", "--height", "60", "--frames", "10",
                "--fps", "25", "--zoom", "1.1"};
        Path first = dir.resolve("a.mp4");
        Path second = dir.resolve("b.mp4");
        CliTestSupport.Result r1 = CliTestSupport.run(concat("make-sample", first.toString(), options));
        assertEquals(0, r1.code(), r1::toString);
        CliTestSupport.Result r2 = CliTestSupport.run(concat("make-sample", second.toString(), options));
        assertEquals(0, r2.code(), r2::toString);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "encoding must be reproducible");
        assertEquals(new CliTestSupport.VideoInfo(10, 80, 60), CliTestSupport.decode(first));
        assertTrue(r1.err().contains("wrote 10 frames 80x60 at 25 fps"), r1::toString);
    }

    @Test
    void replacesAnExistingFileOnlyWhenTheClipIsComplete() throws IOException {
        Path photo = CliTestSupport.writePhoto(dir, 400, 300);
        Path out = Files.writeString(dir.resolve("clip.mp4"), "old");
        CliTestSupport.Result r = CliTestSupport.run("make-sample", out.toString(), "--photo", photo.toString(),
                "--width", "32", "--height", "32", "--frames", "3");
        assertEquals(0, r.code(), r::toString);
        assertEquals(new CliTestSupport.VideoInfo(3, 32, 32), CliTestSupport.decode(out));
        assertEquals(List.of("clip.mp4", "photo.png"), StagedOutputTest.entries(dir));
    }

    @Test
    void refusesToWriteOverThePhoto() throws IOException {
        Path photo = CliTestSupport.writePhoto(dir, "photo.mp4", 400, 300);
        byte[] original = Files.readAllBytes(photo);
        CliTestSupport.Result r = CliTestSupport.run("make-sample", dir.resolve(".").resolve("photo.mp4").toString(),
                "--photo", photo.toString());
        assertEquals(2, r.code(), r::toString);
        assertArrayEquals(original, Files.readAllBytes(photo));
    }

    @Test
    void rejectsAPhotoTooSmallForThePan() throws IOException {
        Path photo = CliTestSupport.writePhoto(dir, 40, 30);
        Path out = dir.resolve("o.mp4");
        CliTestSupport.Result r = CliTestSupport.run("make-sample", out.toString(), "--photo", photo.toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("photo is 40x30"), r::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void rejectsMissingPhotoAndOddSizes() {
        Path out = dir.resolve("o.mp4");
        CliTestSupport.Result missing = CliTestSupport.run("make-sample", out.toString(), "--photo",
                dir.resolve("none.jpg").toString());
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("none.jpg"), missing::toString);
        CliTestSupport.Result odd = CliTestSupport.run("make-sample", out.toString(), "--width", "321");
        assertEquals(2, odd.code(), odd::toString);
    }

    private static String[] concat(String command, String out, String[] options) {
        String[] all = new String[options.length + 2];
        all[0] = command;
        all[1] = out;
        System.arraycopy(options, 0, all, 2, options.length);
        return all;
    }
}
