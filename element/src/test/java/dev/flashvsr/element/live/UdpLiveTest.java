package dev.flashvsr.element.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.util.List;
import java.util.Map;
import org.freedesktop.gstreamer.event.EOSEvent;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A live RTP/H.264 stream over UDP on 127.0.0.1, sent by a second pipeline, shown by a
 * synchronising sink with and without flashvsrfilter: no frame late, none lost or reordered by
 * the element, recovery from lost packets and from a sender that stops and comes back at another
 * size. {@code -Dflashvsr.liveSeconds=30} makes the measured runs longer (default 5 s each).
 */
class UdpLiveTest {
    private static final int SECONDS = Integer.getInteger("flashvsr.liveSeconds", 5);
    private static final int MEASURED_FROM = 10_000;
    private static final String FILTER = "flashvsrfilter name=" + LivePipeline.FILTER + " scale=2 "
            + System.getProperty("flashvsr.liveFilterOptions", "");

    private static int freePort() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Streams for {@link #SECONDS} into a receiver that already ran a first stream for two
     * seconds: on this shared 2-core machine the receiver's start (model session, warm-up) would
     * otherwise starve the in-process sender, and the jitter buffer would keep the delayed first
     * packets' timing as its reference. Only the second stream's frames are measured, from the
     * moment the receiver shows the first of them (the jitter buffer may take a while to take up
     * the new stream's random sequence numbers; once it did not for three seconds).
     */
    private static RtpReceiver.Summary measure(String filter) throws Exception {
        int port = freePort();
        Map<Integer, Long> sentAt = RtpSender.newLog();
        try (RtpReceiver receiver = new RtpReceiver(port, filter, 0, sentAt)) {
            try (RtpSender warmUp = new RtpSender(port, 320, 180, 0, sentAt)) {
                Thread.sleep(2000);
            }
            Thread.sleep(500);
            try (RtpSender sender = new RtpSender(port, 320, 180, MEASURED_FROM, sentAt)) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (receiver.shown().stream().noneMatch(n -> n >= MEASURED_FROM)) {
                    assertTrue(System.nanoTime() < deadline, "the receiver never showed the second stream");
                    Thread.sleep(20);
                }
                receiver.forget();
                int sentBefore = sender.framesSent(MEASURED_FROM);
                Thread.sleep(SECONDS * 1000L);
                RtpReceiver.Summary summary = receiver.summary();
                int sent = sender.framesSent(MEASURED_FROM) - sentBefore;
                System.out.println("UDP live " + (filter == null ? "without" : "with") + " flashvsrfilter, "
                        + SECONDS + " s: " + summary + "; " + sent + " sent in the window");
                List<Integer> shown = receiver.shown();
                for (int i = 1; i < shown.size(); i++) {
                    assertTrue(shown.get(i) > shown.get(i - 1), "frames shown in order: " + shown);
                }
                assertTrue(summary.shown() >= sent * 0.9, summary + " of " + sent + " sent");
                assertEquals(0, receiver.unreadable(), "every shown frame carries a readable number");
                assertTrue(receiver.run.errors.isEmpty(), receiver.run.errors.toString());
                return summary;
            }
        }
    }

    @Test
    void streamIsShownOnTimeWithAndWithoutTheElement() throws Exception {
        RtpReceiver.Summary plain = measure(null);
        RtpReceiver.Summary upscaled = measure(FILTER);
        assertEquals(0, plain.late());
        assertEquals(0, upscaled.late(), "late frames through flashvsrfilter");
        assertTrue(upscaled.reportedMs() > plain.reportedMs(), "the element adds its latency to the pipeline's");
    }

    @Test
    void lostPacketsAndARestartedSenderAtAnotherSizeDoNotStallTheElement() throws Exception {
        int port = freePort();
        Map<Integer, Long> sentAt = RtpSender.newLog();
        try (RtpReceiver receiver = new RtpReceiver(port, FILTER, 0.01, sentAt)) {
            AtomicLong arrived = new AtomicLong();
            Element filter = receiver.run.element(LivePipeline.FILTER);
            filter.getStaticPad("sink").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                arrived.incrementAndGet();
                return PadProbeReturn.OK;
            });
            try (RtpSender first = new RtpSender(port, 320, 180, 0, sentAt)) {
                Thread.sleep(3000);
            }
            Thread.sleep(1000);
            try (RtpSender second = new RtpSender(port, 256, 144, MEASURED_FROM, sentAt)) {
                // at least 3 s, and on until a frame of it is shown: the jitter buffer may take seconds
                // to take up the restarted stream's random sequence numbers (as in measure())
                long minimum = System.nanoTime() + 3_000_000_000L;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < minimum || (System.nanoTime() < deadline
                        && receiver.shown().stream().noneMatch(n -> n >= MEASURED_FROM))) {
                    Thread.sleep(20);
                }
            }
            receiver.run.pipeline.sendEvent(new EOSEvent());
            for (int i = 0; i < 100 && receiver.run.eos.get() == 0; i++) {
                Thread.sleep(100);
            }
            assertEquals(1, receiver.run.eos.get(), "end of stream reaches the bus: nothing stalled");
            assertTrue(receiver.run.errors.isEmpty(), receiver.run.errors.toString());
            List<Integer> shown = receiver.shown();
            String seen = receiver.summary() + ", " + receiver.unreadable() + " unreadable (damaged by lost packets)";
            System.out.println("UDP live with 1% of packets lost and a restart: " + seen);
            assertTrue(shown.stream().anyMatch(n -> n < MEASURED_FROM), "frames of the first sender shown: " + seen);
            assertTrue(shown.stream().anyMatch(n -> n >= MEASURED_FROM), "frames of the restarted sender shown: " + shown);
            assertTrue(receiver.sizes().contains("640x360") && receiver.sizes().contains("512x288"),
                    "output follows the new input size");
            assertEquals(arrived.get(), receiver.run.longProperty(LivePipeline.FILTER, "frames-processed")
                    + receiver.run.longProperty(LivePipeline.FILTER, "frames-dropped"), "frames in = frames out");
        }
    }
}
