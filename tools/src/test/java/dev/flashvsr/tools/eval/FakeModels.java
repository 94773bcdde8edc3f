package dev.flashvsr.tools.eval;

import dev.flashvsr.engine.Backend;
import dev.flashvsr.engine.FrameSink;
import dev.flashvsr.engine.Model;
import dev.flashvsr.engine.PixelFormat;
import dev.flashvsr.engine.SessionOptions;
import dev.flashvsr.engine.StreamSpec;
import dev.flashvsr.engine.StreamingSession;
import dev.flashvsr.engine.VideoFrame;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/** Models for tests: nearest-neighbour upscaling that holds frames, and broken variants. */
final class FakeModels {

    private FakeModels() {
    }

    /** Holds {@code latency} frames; {@code dropLast} loses the last frame at drain. */
    static Model nearest(int latency, boolean dropLast) {
        return new Model() {
            @Override
            public String name() {
                return "fake-nearest-" + latency;
            }

            @Override
            public boolean isNeural() {
                return false;
            }

            @Override
            public Set<Integer> scales() {
                return Set.of(2, 4);
            }

            @Override
            public Backend resolveBackend(Backend requested) {
                return Backend.CPU;
            }

            @Override
            public int latencyFrames() {
                return latency;
            }

            @Override
            public StreamingSession open(StreamSpec spec, SessionOptions options) {
                return new Session(spec, latency, dropLast);
            }
        };
    }

    private static final class Session implements StreamingSession {
        private final StreamSpec spec;
        private final int latency;
        private final boolean dropLast;
        private final Deque<RgbImage> held = new ArrayDeque<>();

        Session(StreamSpec spec, int latency, boolean dropLast) {
            if (spec.format() != PixelFormat.RGB) {
                throw new IllegalArgumentException("RGB only");
            }
            this.spec = spec;
            this.latency = latency;
            this.dropLast = dropLast;
        }

        @Override
        public StreamSpec spec() {
            return spec;
        }

        @Override
        public void push(VideoFrame input, FrameSink sink) {
            held.addLast(StreamRunner.toImage(input));
            while (held.size() > latency) {
                emit(held.removeFirst(), sink);
            }
        }

        private void emit(RgbImage frame, FrameSink sink) {
            int s = spec.scale();
            sink.frameReady(out -> {
                for (int y = 0; y < out.height(); y++) {
                    for (int x = 0; x < out.width(); x++) {
                        for (int c = 0; c < 3; c++) {
                            out.setSample(0, x, y, c, frame.get(x / s, y / s, c));
                        }
                    }
                }
            });
        }

        @Override
        public void drain(FrameSink sink) {
            if (dropLast && !held.isEmpty()) {
                held.removeLast();
            }
            while (!held.isEmpty()) {
                emit(held.removeFirst(), sink);
            }
        }

        @Override
        public void reset() {
            held.clear();
        }

        @Override
        public int latencyFrames() {
            return latency;
        }

        @Override
        public int heldFrames() {
            return held.size();
        }

        @Override
        public void close() {
        }
    }
}
