package dev.flashvsr.element.live;

import dev.flashvsr.element.pipeline.GstTestSupport;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * A live camera stand-in that streams RTP/H.264 over UDP to 127.0.0.1: coded frames
 * ({@link CodedFrames}) pushed in real time, each frame's send time recorded by number (the
 * receiver runs in the same process, on the same monotonic clock).
 */
final class RtpSender implements AutoCloseable {
    static final int FPS = 25;

    private final Pipeline pipeline;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final Map<Integer, Long> sentAt;
    private final int width;
    private final int height;
    private int next;

    /** Streams frames numbered from {@code firstNumber} until closed. */
    RtpSender(int port, int width, int height, int firstNumber, Map<Integer, Long> sentAt) {
        GstTestSupport.init();
        this.width = width;
        this.height = height;
        this.sentAt = sentAt;
        this.next = firstNumber;
        pipeline = (Pipeline) Gst.parseLaunch("appsrc name=src is-live=true do-timestamp=true format=time "
                + "caps=video/x-raw,format=I420,width=" + width + ",height=" + height + ",framerate=" + FPS + "/1 "
                + "! x264enc tune=zerolatency speed-preset=ultrafast bitrate=1500 key-int-max=" + FPS
                + " ! rtph264pay config-interval=-1 pt=96 ! udpsink host=127.0.0.1 port=" + port
                + " sync=false async=false");
        pipeline.play();
        clock.scheduleAtFixedRate(this::sendOne, 0, 1000 / FPS, TimeUnit.MILLISECONDS);
    }

    static Map<Integer, Long> newLog() {
        return new ConcurrentHashMap<>();
    }

    private void sendOne() {
        byte[] frame = CodedFrames.frame(width, height, next);
        Buffer buffer = new Buffer(frame.length);
        ByteBuffer bytes = buffer.map(true);
        bytes.put(frame);
        buffer.unmap();
        sentAt.put(next, System.nanoTime());
        next++;
        ((AppSrc) pipeline.getElementByName("src")).pushBuffer(buffer);
    }

    int framesSent(int firstNumber) {
        return next - firstNumber;
    }

    @Override
    public void close() throws InterruptedException {
        clock.shutdown();
        clock.awaitTermination(5, TimeUnit.SECONDS);
        pipeline.stop();
        pipeline.dispose();
    }
}
