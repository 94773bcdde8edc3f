package dev.flashvsr.examples;

import dev.flashvsr.element.FlashVsrPlugin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.PluginFeature;
import org.freedesktop.gstreamer.Registry;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.StateChangeReturn;
import org.freedesktop.gstreamer.Version;
import org.freedesktop.gstreamer.elements.AppSink;
import org.freedesktop.gstreamer.glib.Natives;
import org.freedesktop.gstreamer.message.MessageType;

/**
 * flashvsrfilter in a Java application (gst1-java-core). Builds this pipeline element by element,
 * runs it to the end of the stream, changes flashvsrfilter's properties while it is PLAYING, and
 * handles what the element posts on the bus:
 *
 * <pre>
 *   videotestsrc num-buffers=N ! capsfilter caps=video/x-raw,format=F,width=W,height=H
 *     ! flashvsrfilter [PROPERTY=VALUE...] ! appsink
 * </pre>
 *
 * <p>Properties before {@code --halfway} are set before the start; those after it are set while
 * PLAYING, once half the frames have reached the appsink. {@code qos} applies at once; most others
 * only at the next start, and flashvsrfilter then posts a WARNING, which this program prints.
 * An ERROR (for example a model that does not exist) is printed and ends the program with exit
 * code 1; 0 means the stream ended, 3 bad usage. At the end it prints the frames and caps that
 * reached the appsink and flashvsrfilter's counters.
 *
 * <p>Where flashvsrfilter comes from: with GST_PLUGIN_PATH naming a built plugin directory (or the
 * plugin installed system-wide) GStreamer loads the flashvsr plugin, whose loader joins this JVM
 * and finds the element's classes on this class path; otherwise the element is registered from
 * the class path directly.
 *
 * <p>Run it from the repository root, after {@code mvn -B -q package -DskipTests -pl examples/embedding/java -am}
 * (-Xss4m: GStreamer calls back into Java on deep native stacks):
 * <pre>
 *   export GST_PLUGIN_PATH=$PWD/element/target/gst-plugin
 *   cd examples/embedding/java
 *   java -Xss4m -cp target/classes:$(cat target/runtime-classpath.txt) dev.flashvsr.examples.UpscaleApp \
 *       I420 320 180 120 qos=false --halfway qos=true
 * </pre>
 */
public final class UpscaleApp {
    private static final String USAGE =
            "usage: UpscaleApp FORMAT WIDTH HEIGHT NUM_BUFFERS [PROPERTY=VALUE...] [--halfway PROPERTY=VALUE...]";
    private static final String ELEMENT = "flashvsrfilter";

    private UpscaleApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println(USAGE);
            System.exit(3);
        }
        List<String[]> atStart = new ArrayList<>();
        List<String[]> halfway = new ArrayList<>();
        List<String[]> target = atStart;
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("--halfway")) {
                target = halfway;
                continue;
            }
            String[] nameValue = args[i].split("=", 2);
            if (nameValue.length != 2) {
                System.err.println("not PROPERTY=VALUE: " + args[i] + "\n" + USAGE);
                System.exit(3);
            }
            target.add(nameValue);
        }

        // Before gst_init: GStreamer's segfault trap would otherwise take SIGSEGV from the JVM,
        // which uses it internally.
        FlashVsrPlugin.prepareJavaHost();
        Gst.init(Version.of(1, 16), "upscale-app");
        System.out.println(ELEMENT + ": " + findOrRegisterElement());

        System.exit(run(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                atStart, halfway));
    }

    /** Says where flashvsrfilter comes from. */
    private static String findOrRegisterElement() {
        Registry registry = Registry.get();
        PluginFeature feature = registry.lookupFeature(ELEMENT);
        if (feature != null) {
            return "from the GStreamer plugin " + registry.findPlugin(feature.getPluginName()).getFilename();
        }
        FlashVsrPlugin.registerInProcess();
        return "registered from the class path";
    }

    private static int run(String format, int width, int height, int frames, List<String[]> atStart,
            List<String[]> halfway) throws Exception {
        Pipeline pipeline = new Pipeline("upscale");
        Element source = ElementFactory.make("videotestsrc", "source");
        source.set("num-buffers", frames);
        Element inputCaps = ElementFactory.make("capsfilter", "input-caps");
        inputCaps.set("caps",
                Caps.fromString("video/x-raw,format=" + format + ",width=" + width + ",height=" + height));
        Element vsr = ElementFactory.make(ELEMENT, "vsr");
        AppSink sink = (AppSink) ElementFactory.make("appsink", "sink");
        // sync=false: take frames as fast as they come instead of at their timestamps
        sink.set("sync", false);
        sink.set("emit-signals", true);
        pipeline.addMany(source, inputCaps, vsr, sink);
        if (!Element.linkMany(source, inputCaps, vsr, sink)) {
            System.err.println("cannot link the pipeline");
            return 1;
        }
        List<String> known = vsr.listPropertyNames();
        for (List<String[]> properties : List.of(atStart, halfway)) {
            for (String[] property : properties) {
                if (!known.contains(property[0])) {
                    System.err.println(ELEMENT + " has no property " + property[0] + "; it has " + known);
                    return 3;
                }
            }
        }
        for (String[] property : atStart) {
            vsr.setAsString(property[0], property[1]);
        }

        AtomicInteger framesOut = new AtomicInteger();
        AtomicReference<String> outputCaps = new AtomicReference<>("(none)");
        CompletableFuture<Void> halfDone = new CompletableFuture<>();
        // Called on the streaming thread: keep it short
        sink.connect((AppSink.NEW_SAMPLE) appSink -> {
            Sample sample = appSink.pullSample();
            if (framesOut.incrementAndGet() == 1) {
                outputCaps.set(sample.getCaps().toString());
            }
            if (framesOut.get() == frames / 2) {
                halfDone.complete(null);
            }
            sample.dispose();
            return FlowReturn.OK;
        });

        // The exit code: 0 at the end of the stream, 1 on the first error
        CompletableFuture<Integer> finished = new CompletableFuture<>();
        Bus bus = pipeline.getBus();
        bus.connect((Bus.EOS) src -> finished.complete(0));
        bus.connect((Bus.ERROR) (src, code, message) -> {
            System.err.println("error from " + src.getName() + ": " + message);
            finished.complete(1);
        });
        bus.connect((Bus.WARNING) (src, code, message) -> System.err.println("warning from " + src.getName()
                + ": " + message));
        // flashvsrfilter posts LATENCY when its processing time changes; in a live pipeline the
        // application must then recompute the latency (gst-launch-1.0 does the same), or frames
        // may reach a synchronising sink late. gst1-java-core has no call for it: JNA does it.
        bus.connect((Bus.MESSAGE) (b, message) -> {
            if (message.getType() == MessageType.LATENCY) {
                BinCalls.LIB.gst_bin_recalculate_latency(Natives.getRawPointer(pipeline));
            }
        });

        if (pipeline.play() == StateChangeReturn.FAILURE) {
            // The element posted an ERROR saying why before the start failed
            finished.completeOnTimeout(1, 5, TimeUnit.SECONDS);
        }
        CompletableFuture.anyOf(halfDone, finished).join();
        if (!finished.isDone()) {
            for (String[] property : halfway) {
                vsr.setAsString(property[0], property[1]);
                System.out.println("while PLAYING after " + framesOut.get() + " frames: set " + property[0] + "="
                        + property[1] + ", now " + vsr.get(property[0]));
            }
        }
        int exitCode = finished.join();
        System.out.println("frames-out=" + framesOut.get());
        System.out.println("output-caps=" + outputCaps.get());
        for (String counter : List.of("frames-processed", "frames-dropped", "latency-frames")) {
            System.out.println(counter + "=" + vsr.get(counter));
        }
        pipeline.stop();
        pipeline.dispose();
        return exitCode;
    }

    /** The one GStreamer call this program needs that gst1-java-core does not wrap. */
    interface BinCalls extends com.sun.jna.Library {
        BinCalls LIB = com.sun.jna.Native.load("libgstreamer-1.0.so.0", BinCalls.class);

        boolean gst_bin_recalculate_latency(com.sun.jna.Pointer bin);
    }
}
