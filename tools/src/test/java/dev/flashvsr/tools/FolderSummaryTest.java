package dev.flashvsr.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary table's columns and total line, and the per-file progress line. */
class FolderSummaryTest {

    @Test
    void tableHasFileFramesFpsAndResultColumnsAndATotal() {
        List<FolderResult> results = List.of(
                new FolderResult("a.mp4", FolderResult.Outcome.DONE, 120, 4.0, ""),
                FolderResult.skipped("sub/b.mkv", "exists"),
                FolderResult.failed("broken.mp4", "Could not determine type of stream."),
                new FolderResult("clip.avi", FolderResult.Outcome.DONE, 16, 0.5, "").withNote("as clip.mkv"));
        StringWriter text = new StringWriter();
        FolderSummary.print(new PrintWriter(text), results, 6, 75);
        assertEquals("""
                file         frames      fps  result
                a.mp4           120     30.0  done
                sub/b.mkv         -        -  skipped: exists
                broken.mp4        -        -  failed: Could not determine type of stream.
                clip.avi         16     32.0  done: as clip.mkv
                total: 2 done, 1 failed, 1 skipped, 2 not started of 6 files; 136 frames in 1:15
                """, text.toString());
    }

    @Test
    void anInterruptedFileIsCountedApart() {
        List<FolderResult> results = List.of(new FolderResult("a.mp4", FolderResult.Outcome.DONE, 16, 1, ""),
                new FolderResult("b.mp4", FolderResult.Outcome.INTERRUPTED, 7, 1, "not written"));
        assertEquals("total: 1 done, 0 failed, 0 skipped, 1 interrupted of 2 files; 23 frames in 0:02",
                FolderSummary.total(results, 2, 2.2));
    }

    @Test
    void theProgressLineNamesTheFileAfterTheToolsName() {
        StringWriter text = new StringWriter();
        new Progress(new PrintWriter(text), false, "[3/12] sub/b.mkv: ").update(null, 8L, 2, -1, -1);
        assertEquals("\rflashvsr: [3/12] sub/b.mkv: 8 frames, 4.0 fps, elapsed 0:02", text.toString());
    }
}
