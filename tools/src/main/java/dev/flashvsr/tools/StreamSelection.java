package dev.flashvsr.tools;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which of the input's non-video streams {@code upscale} keeps: {@code --streams all} (the default),
 * {@code none}, or a comma-separated list of {@code audio}, {@code subtitle} and single streams
 * {@code a:N} / {@code s:N} (the N-th audio or subtitle stream of the input, from 0, in file order);
 * {@code --no-audio} then drops every audio stream whatever the list says.
 */
record StreamSelection(boolean allAudio, boolean allSubtitles, Set<String> picked, boolean noAudio) {

    static final StreamSelection ALL = new StreamSelection(true, true, Set.of(), false);

    /** @param spec the {@code --streams} value, null for the default ({@code all}) */
    static StreamSelection parse(String spec, boolean noAudio) {
        if (spec == null || spec.strip().equalsIgnoreCase("all")) {
            return new StreamSelection(true, true, Set.of(), noAudio);
        }
        if (spec.strip().equalsIgnoreCase("none")) {
            return new StreamSelection(false, false, Set.of(), noAudio);
        }
        boolean audio = false;
        boolean subtitles = false;
        Set<String> picked = new LinkedHashSet<>();
        for (String raw : spec.split(",", -1)) {
            String item = raw.strip().toLowerCase(Locale.ROOT);
            switch (item) {
                case "audio" -> audio = true;
                case "subtitle", "subtitles" -> subtitles = true;
                default -> picked.add(indexed(item, spec));
            }
        }
        return new StreamSelection(audio, subtitles, Set.copyOf(picked), noAudio);
    }

    private static String indexed(String item, String spec) {
        if (item.matches("[as]:\\d{1,4}")) {
            return item.charAt(0) + ":" + Integer.parseInt(item.substring(2));
        }
        throw CliException.usage("--streams: '" + item + "' in '" + spec + "' is not a stream: use all, none, or a"
                + " comma-separated list of audio, subtitle, a:N (N-th audio stream, from 0) and s:N"
                + " (N-th subtitle stream), e.g. --streams a:0,subtitle");
    }

    /** Whether to keep the {@code kindIndex}-th stream of this kind (from 0, in file order). */
    boolean keeps(StreamKind kind, int kindIndex) {
        return switch (kind) {
            case AUDIO -> !noAudio && (allAudio || picked.contains("a:" + kindIndex));
            case SUBTITLE -> allSubtitles || picked.contains("s:" + kindIndex);
            default -> false;
        };
    }
}
