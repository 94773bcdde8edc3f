package dev.flashvsr.tools;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Pad;

/**
 * The input's container metadata that the muxer does not carry over by itself: the creation
 * time, the video's orientation (rotation) and the chapters. The title needs nothing: global tags reach the
 * muxer with the streams.
 */
final class OutputMetadata {
    private final OutputContainer container;
    private final Path out;
    private final PipelineRun run;
    private final CreationTime creationTime;
    private final Chapters chapters;
    private volatile Orientation orientation;

    OutputMetadata(Element mux, OutputContainer container, Path out, PipelineRun run) {
        this.container = container;
        this.out = out;
        this.run = run;
        this.creationTime = new CreationTime(mux);
        this.chapters = new Chapters(mux, run);
    }

    /** Reads what the input's demuxer does not pass on: an MP4 or QuickTime input's chapters. */
    void readInput(Path in) {
        chapters.readMp4(in);
    }

    /** Watches a pad of the demuxer; {@code upscaled} for the video stream that is upscaled. */
    void watch(Pad pad, boolean upscaled) {
        creationTime.watch(pad);
        chapters.watch(pad);
        if (upscaled) {
            TagEvents.watch(pad, tags -> noteOrientation(TagEvents.string(tags, "image-orientation")));
        }
    }

    /**
     * For Matroska, which has no rotation field, a videoflip that turns the pixels upright as the
     * video's image-orientation tag says; null for MP4 and QuickTime, whose track matrix is written.
     */
    Element uprightPixels() {
        if (container != OutputContainer.MKV) {
            return null;
        }
        Element flip = GstSupport.make("videoflip", "upright");
        GstSupport.setArg(flip, "video-direction", Orientation.AUTOMATIC);
        return flip;
    }

    private void noteOrientation(String tag) {
        if (tag == null || orientation != null) {
            return;
        }
        Orientation o = Orientation.ofTag(tag);
        orientation = o != null ? o : Orientation.ROTATE_0;
        if (o == null) {
            run.warn("the video's orientation '" + tag + "' is not one GStreamer defines: it is not kept");
        } else if (container == OutputContainer.MKV && o != Orientation.ROTATE_0) {
            run.note("the video is turned upright (image-orientation " + tag + "): Matroska has no rotation field,"
                    + " so its pixels are turned");
        }
    }

    /**
     * Writes into the finished MP4 or QuickTime file what its muxer could not: the input's
     * creation time, the video's orientation and the chapters. Call once the pipeline is closed.
     *
     * @return a warning when that could not be done (the file is then as the muxer wrote it), else null
     */
    String finishFile() {
        Orientation turn = orientation == Orientation.ROTATE_0 ? null : orientation;
        return container == OutputContainer.MKV ? null
                : finishMovie(out, creationTime.value(), turn, chapters.value(), container.muxer());
    }

    /**
     * Writes the creation time and the orientation (each when not null) and the chapters (when
     * any) into an MP4 or QuickTime file; returns a warning when that cannot be done, and then
     * leaves the file as it was.
     */
    static String finishMovie(Path file, Instant created, Orientation turn, List<Mp4Chapters.Chapter> chapters,
            String muxer) {
        List<String> what = new ArrayList<>();
        if (created != null) {
            what.add("creation time");
        }
        if (turn != null) {
            what.add("orientation");
        }
        if (!chapters.isEmpty()) {
            what.add("chapters");
        }
        if (what.isEmpty()) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Mp4Movie movie = Mp4Movie.read(channel);
            // Every check comes before any write: the file gets all of them or none.
            if (created != null) {
                Mp4Times.check(movie, created);
            }
            Mp4Chapters.Insertion addChapters = chapters.isEmpty() ? null : Mp4Chapters.prepare(movie, chapters);
            if (turn != null) {
                turn.writeTo(movie);
            }
            if (created != null) {
                Mp4Times.set(movie, created);
            }
            if (addChapters != null) {
                addChapters.write();
            }
            return null;
        } catch (IOException e) {
            boolean one = what.size() == 1 && !what.get(0).equals("chapters");
            String names = what.size() == 1 ? what.get(0) : String.join(", ", what.subList(0, what.size() - 1))
                    + " and " + what.get(what.size() - 1);
            return "the input's " + names + (one ? " is" : " are") + " not set in the output: " + ErrorText.describe(e)
                    + "; it is left as " + muxer + " wrote it" + (chapters.isEmpty() ? "" : " (write .mkv to keep the"
                    + " chapters)");
        }
    }
}
