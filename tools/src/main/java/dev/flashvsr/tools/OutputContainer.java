package dev.flashvsr.tools;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The containers {@code flashvsr upscale} writes, chosen by OUT's extension, and the codecs each holds. */
enum OutputContainer {
    MP4(".mp4", "mp4mux", "MP4", EnumSet.of(VideoCodec.H264, VideoCodec.H265, VideoCodec.AV1)),
    /** QuickTime: ProRes's own container. */
    MOV(".mov", "qtmux", "QuickTime", EnumSet.of(VideoCodec.H264, VideoCodec.H265, VideoCodec.AV1, VideoCodec.PRORES)),
    MKV(".mkv", "matroskamux", "Matroska", EnumSet.allOf(VideoCodec.class));

    private final String extension;
    private final String muxer;
    private final String title;
    private final Set<VideoCodec> codecs;

    OutputContainer(String extension, String muxer, String title, Set<VideoCodec> codecs) {
        this.extension = extension;
        this.muxer = muxer;
        this.title = title;
        this.codecs = codecs;
    }

    /** The container written by {@code muxer} (one of {@link #muxer()}'s values). */
    static OutputContainer ofMuxer(String muxer) {
        return Arrays.stream(values()).filter(c -> c.muxer.equals(muxer)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("no output container is written by " + muxer));
    }

    /** The container a file of this name is written as, or null when its extension is none of them. */
    static OutputContainer forFileName(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        for (OutputContainer container : values()) {
            if (name.endsWith(container.extension)) {
                return container;
            }
        }
        return null;
    }

    /**
     * The container for OUT holding {@code codec}; a usage error (nothing is written yet) when the
     * extension is unknown or its container cannot hold the codec, naming those that can.
     */
    static OutputContainer check(String fileName, VideoCodec codec) {
        OutputContainer container = forFileName(fileName);
        if (container == null) {
            throw CliException.usage("output file '" + fileName + "' must end in " + extensions(EnumSet.allOf(
                    OutputContainer.class)));
        }
        if (!container.holds(codec)) {
            Set<OutputContainer> able = EnumSet.noneOf(OutputContainer.class);
            Arrays.stream(values()).filter(c -> c.holds(codec)).forEach(able::add);
            throw CliException.usage(container.extension + " cannot hold " + codec.title() + " video (--codec "
                    + codec.option() + "); name OUT " + extensions(able) + " instead, or choose another --codec");
        }
        return container;
    }

    /** ".mp4, .mov or .mkv". */
    private static String extensions(Set<OutputContainer> containers) {
        String all = containers.stream().map(c -> c.extension).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
    }

    boolean holds(VideoCodec codec) {
        return codecs.contains(codec);
    }

    /** The name users know it by: "MP4". */
    String title() {
        return title;
    }

    /** The GStreamer element that writes it. */
    String muxer() {
        return muxer;
    }
}
