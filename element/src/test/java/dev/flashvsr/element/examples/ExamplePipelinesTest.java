package dev.flashvsr.element.examples;

import static dev.flashvsr.element.examples.ExampleProcesses.framesSeen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flashvsr.element.examples.ExampleProcesses.Background;
import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the scripts in examples/pipelines with gst-launch-1.0 and the plugin built by this module,
 * and checks what they produce: sizes, frame counts and streams. Scripts for hardware that is not
 * here (camera, Jetson) run with their documented stand-ins (FLASHVSR_EXAMPLE_STAND_INS=1); the
 * network ones talk to a sender, a receiver or an RTSP server that the test starts on free ports.
 */
class ExamplePipelinesTest {
    private static final Path SCRIPTS = Path.of("..", "examples", "pipelines").toAbsolutePath().normalize();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CLIP_FRAMES = 15;
    private static final int SMALL_CLIP_FRAMES = 10;
    private static final int LIVE_FRAMES = 30;
    private static final String RTP_H264_CAPS =
            "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96";

    @TempDir
    static Path shared;

    /** 320x180 H.264 with an AAC audio track. */
    private static Path clip;
    /** 160x90 H.264, no audio. */
    private static Path smallClip;

    @TempDir
    Path work;

    @BeforeAll
    static void makeClips() throws Exception {
        assumeTrue(Files.exists(Path.of("target", "gst-plugin", "libgstflashvsr.so")),
                "the plugin directory target/gst-plugin was not built (process-classes phase)");
        clip = shared.resolve("clip.mp4");
        smallClip = shared.resolve("small-clip.mp4");
        ExampleProcesses.run(shared, env(), TIMEOUT, gstLaunch("-e videotestsrc num-buffers=" + CLIP_FRAMES
                + " ! video/x-raw,format=I420,width=320,height=180,framerate=30/1 ! x264enc ! mp4mux name=mux"
                + " ! filesink location=" + clip
                + " audiotestsrc num-buffers=22 ! avenc_aac ! mux."));
        ExampleProcesses.run(shared, env(), TIMEOUT, gstLaunch("-e videotestsrc num-buffers=" + SMALL_CLIP_FRAMES
                + " pattern=ball ! video/x-raw,format=I420,width=160,height=90,framerate=30/1 ! x264enc ! mp4mux"
                + " ! filesink location=" + smallClip));
    }

    /** Environment changes: a registry shared by the tests, no example settings, then {@code overrides}. */
    private static Map<String, String> env(String... overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("GST_REGISTRY", shared.resolve("registry.bin").toString());
        env.put("FLASHVSR_EXAMPLE_STAND_INS", "0");
        for (String name : List.of("NUM_BUFFERS", "SCALE", "MODEL", "MODEL1", "MODEL2")) {
            env.put(name, "");
        }
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return env;
    }

    /** gst-launch-1.0 with blank-separated arguments (no quoting needed in these tests). */
    private static List<String> gstLaunch(String arguments) {
        List<String> command = new ArrayList<>(List.of("gst-launch-1.0"));
        command.addAll(List.of(arguments.split(" +")));
        return command;
    }

    private static List<String> script(String name, Object... args) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(name).toString()));
        for (Object arg : args) {
            command.add(arg.toString());
        }
        return command;
    }

    private String run(List<String> command, String... env) throws InterruptedException {
        return ExampleProcesses.run(work, env(env), TIMEOUT, command);
    }

    /** The caps line gst-launch-1.0 -v printed for an element's pad. */
    private static String padCaps(String output, String element, String pad) {
        Matcher m = Pattern.compile(Pattern.quote(element) + "\\.GstPad:" + pad + ": caps = (.*)").matcher(output);
        assertTrue(m.find(), () -> "no caps for " + element + "." + pad + " in:\n" + output);
        return m.group(1);
    }

    /** Streams of a media file as gst-discoverer-1.0 -v describes them: caps by stream kind. */
    private record Streams(List<String> video, List<String> audio) {
    }

    private Streams streams(Path file) throws InterruptedException {
        String info = run(List.of("gst-discoverer-1.0", "-v", file.toString()));
        Matcher m = Pattern.compile("(?m)^\\s*(video|audio) #\\d+: (.*)$").matcher(info);
        Streams streams = new Streams(new ArrayList<>(), new ArrayList<>());
        while (m.find()) {
            (m.group(1).equals("video") ? streams.video() : streams.audio()).add(m.group(2));
        }
        return streams;
    }

    private int videoFrames(Path file) throws InterruptedException {
        return framesSeen(run(gstLaunch("-v filesrc location=" + file
                + " ! qtdemux name=demux demux.video_0 ! fakesink silent=false")));
    }

    /** Fails unless {@code file} holds exactly one H.264 video stream of that size and frame count. */
    private Streams assertH264Video(Path file, int width, int height, int frames) throws InterruptedException {
        Streams streams = streams(file);
        assertEquals(1, streams.video().size(), streams::toString);
        String video = streams.video().get(0);
        assertTrue(video.startsWith("video/x-h264")
                && video.contains("width=(int)" + width + ", height=(int)" + height), video);
        assertEquals(frames, videoFrames(file), file + " frames");
        return streams;
    }

    /** Two UDP ports free right now (both held while asking, so they differ). */
    private static int[] twoFreeUdpPorts() throws IOException {
        try (DatagramSocket one = new DatagramSocket(0); DatagramSocket two = new DatagramSocket(0)) {
            return new int[] {one.getLocalPort(), two.getLocalPort()};
        }
    }

    @Test
    void upscaleFile() throws Exception {
        run(script("upscale-file.sh", clip, "out.mp4"));
        assertH264Video(work.resolve("out.mp4"), 1280, 720, CLIP_FRAMES);
    }

    @Test
    void upscaleFileWithAudioCopiesTheAudioStream() throws Exception {
        run(script("upscale-file-with-audio.sh", clip, "out.mp4"));
        Streams out = assertH264Video(work.resolve("out.mp4"), 1280, 720, CLIP_FRAMES);
        List<String> inputAudio = streams(clip).audio();
        assertEquals(1, inputAudio.size());
        // Same caps, codec_data included: the AAC stream was copied, not decoded and encoded again
        assertEquals(inputAudio, out.audio());
    }

    @Test
    void downstreamChoosesSize() throws Exception {
        String caps = run(script("downstream-chooses-size.sh"), "NUM_BUFFERS", "10");
        assertTrue(caps.contains("sink: caps = video/x-raw") && caps.contains("width=(int)320, height=(int)180"), caps);
        assertTrue(caps.contains("width=(int)1280, height=(int)720"), caps);
    }

    @Test
    void twoStepNv12() throws Exception {
        assertTrue(run(script("two-step-nv12.sh"), "NUM_BUFFERS", "10").contains("Got EOS"));
    }

    @Test
    void compareWithVideoscale() throws Exception {
        run(script("compare-with-videoscale.sh", "compare.mp4", clip));
        assertH264Video(work.resolve("compare.mp4"), 2560, 720, CLIP_FRAMES);
    }

    @Test
    void twoStreamsThroughTwoInstances() throws Exception {
        run(script("two-streams.sh", clip, smallClip, "one.mp4", "two.mp4"));
        assertH264Video(work.resolve("one.mp4"), 1280, 720, CLIP_FRAMES);
        assertH264Video(work.resolve("two.mp4"), 640, 360, SMALL_CLIP_FRAMES);
    }

    @Test
    void webcamToScreenWithStandIns() throws Exception {
        String output = run(script("webcam-to-screen.sh"), "FLASHVSR_EXAMPLE_STAND_INS", "1",
                "NUM_BUFFERS", String.valueOf(CLIP_FRAMES));
        String launched = output.lines().filter(l -> l.startsWith("With stand-ins:")).findFirst().orElse(output);
        assertTrue(launched.contains("videotestsrc is-live=true") && launched.contains("fakesink sync=true"), launched);
        assertFalse(launched.contains("v4l2src") || launched.contains("autovideosink"), launched);
        assertTrue(padCaps(output, "flashvsrfilter0", "src").contains("width=(int)1280, height=(int)960"), output);
        assertEquals(CLIP_FRAMES, framesSeen(output), output);
    }

    @Test
    void jetsonWithStandIns() throws Exception {
        String output = run(script("jetson.sh", clip, "out.mp4"), "FLASHVSR_EXAMPLE_STAND_INS", "1");
        String launched = output.lines().filter(l -> l.startsWith("With stand-ins:")).findFirst().orElse(output);
        assertTrue(launched.contains("avdec_h264") && launched.contains("x264enc"), launched);
        assertFalse(launched.contains("nvv4l2") || launched.contains("nvvidconv") || launched.contains("NVMM"),
                launched);
        assertTrue(padCaps(output, "flashvsrfilter0", "sink").contains("format=(string)NV12"), output);
        assertH264Video(work.resolve("out.mp4"), 1280, 720, CLIP_FRAMES);
    }

    @Test
    void rtpRestream() throws Exception {
        int[] ports = twoFreeUdpPorts();
        int inPort = ports[0];
        int outPort = ports[1];
        try (Background receiver = new Background(work, env(), gstLaunch("-v udpsrc port=" + outPort + " caps="
                + RTP_H264_CAPS + " ! rtpjitterbuffer ! rtph264depay ! avdec_h264 ! fakesink silent=false"));
                Background restream = new Background(work, env("IN_PORT", String.valueOf(inPort),
                        "OUT_HOST", "127.0.0.1", "OUT_PORT", String.valueOf(outPort)), script("rtp-restream.sh"))) {
            // Both have bound their sockets once they are PLAYING, so no packet is lost before that
            receiver.awaitOutput("receiver playing", o -> o.contains("Setting pipeline to PLAYING"), TIMEOUT);
            restream.awaitOutput("restream playing", o -> o.contains("Setting pipeline to PLAYING"), TIMEOUT);
            run(gstLaunch("videotestsrc is-live=true num-buffers=" + LIVE_FRAMES
                    + " ! video/x-raw,format=I420,width=320,height=180,framerate=30/1 ! x264enc tune=zerolatency"
                    + " ! rtph264pay config-interval=-1 ! udpsink host=127.0.0.1 port=" + inPort));
            String received = receiver.awaitOutput(LIVE_FRAMES + " frames received",
                    o -> framesSeen(o) >= LIVE_FRAMES, TIMEOUT);
            assertEquals(LIVE_FRAMES, framesSeen(received), received);
            assertTrue(padCaps(received, "fakesink0", "sink").contains("width=(int)1280, height=(int)720"), received);
        }
    }

    @Test
    void rtspCameraToFile() throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        try (Background server = new Background(work, env(), List.of(python,
                SCRIPTS.resolve("rtsp-test-server.py").toString(), "0", String.valueOf(LIVE_FRAMES)))) {
            String url = server.awaitOutput("the server's URL (needs python3-gi and gir1.2-gst-rtsp-server-1.0)",
                    o -> o.contains("rtsp://"), TIMEOUT).lines().filter(l -> l.startsWith("rtsp://")).findFirst()
                    .orElseThrow();
            // The server's stream ends after LIVE_FRAMES frames, which ends the recording
            run(script("rtsp-camera-to-file.sh", url, "camera.mp4"));
        }
        assertH264Video(work.resolve("camera.mp4"), 1280, 720, LIVE_FRAMES);
    }
}
