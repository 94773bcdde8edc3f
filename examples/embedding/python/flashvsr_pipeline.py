#!/usr/bin/env python3
"""flashvsrfilter in a Python application that uses GStreamer alone (PyGObject).

Builds this pipeline element by element, sets flashvsrfilter's properties from
the command line, runs it to the end of the stream, reports an error posted on
the bus (exit 1), and prints what came out:

    videotestsrc num-buffers=N ! video/x-raw,format=F,width=W,height=H
      ! flashvsrfilter [PROPERTY=VALUE...] ! fakesink

flashvsrfilter is created by name like any other element: GStreamer finds the
flashvsr loader plugin on GST_PLUGIN_PATH (or in its plugin directory when
installed system-wide), and that plugin starts the JVM that runs the element.

Run:  export GST_PLUGIN_PATH=<checkout>/element/target/gst-plugin
      python3 flashvsr_pipeline.py I420 320 180 60 scale=2
      python3 flashvsr_pipeline.py I420 320 180 60 model=/nonexistent   # fails

usage: flashvsr_pipeline.py FORMAT WIDTH HEIGHT NUM_BUFFERS [PROPERTY=VALUE...]
prints "frames-out=<n>" (buffers that reached the sink), "output-caps=<caps>"
and "frames-processed=<n>" (flashvsrfilter's counter); exits 0 at the end of
the stream, 1 on a pipeline error, 2 when an element cannot be created, 3 on
bad usage. Needs Debian's python3-gi and gir1.2-gstreamer-1.0.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

USAGE = "usage: flashvsr_pipeline.py FORMAT WIDTH HEIGHT NUM_BUFFERS [PROPERTY=VALUE...]"


def main(argv):
    Gst.init(None)
    if len(argv) < 5:
        print(USAGE, file=sys.stderr)
        return 3
    fmt, width, height, num_buffers = argv[1], int(argv[2]), int(argv[3]), int(argv[4])

    vsr = Gst.ElementFactory.make("flashvsrfilter", "vsr")
    if vsr is None:
        print("cannot create flashvsrfilter (is GST_PLUGIN_PATH set?)", file=sys.stderr)
        return 2
    for arg in argv[5:]:
        name, _, value = arg.partition("=")
        if not value or vsr.find_property(name) is None:
            print("not a PROPERTY=VALUE of flashvsrfilter: %s" % arg, file=sys.stderr)
            return 3
        # parses the value the way gst-launch-1.0 does (enums by nick, numbers, booleans)
        Gst.util_set_object_arg(vsr, name, value)

    pipeline = Gst.Pipeline.new("pipeline")
    src = Gst.ElementFactory.make("videotestsrc", None)
    capsfilter = Gst.ElementFactory.make("capsfilter", None)
    sink = Gst.ElementFactory.make("fakesink", None)
    if src is None or capsfilter is None or sink is None:
        print("missing videotestsrc, capsfilter or fakesink", file=sys.stderr)
        return 2
    src.set_property("num-buffers", num_buffers)
    capsfilter.set_property("caps", Gst.Caps.from_string(
        "video/x-raw,format=%s,width=%d,height=%d" % (fmt, width, height)))
    sink.set_property("signal-handoffs", True)
    sink.set_property("sync", False)

    seen = {"frames": 0, "caps": None}

    def on_handoff(_sink, _buffer, pad):
        """Called by fakesink from the streaming thread for each buffer."""
        if seen["frames"] == 0:
            caps = pad.get_current_caps()
            seen["caps"] = caps.to_string() if caps is not None else None
        seen["frames"] += 1

    sink.connect("handoff", on_handoff)
    for element in (src, capsfilter, vsr, sink):
        pipeline.add(element)
    if not (src.link(capsfilter) and capsfilter.link(vsr) and vsr.link(sink)):
        print("cannot link the pipeline", file=sys.stderr)
        return 1

    # A bad setting (say, a model that does not exist) fails the start, and flashvsrfilter
    # posts an ERROR message that says why before that returns. Otherwise wait for the end
    # of the stream or an error while streaming.
    started = pipeline.set_state(Gst.State.PLAYING)
    wait = 0 if started == Gst.StateChangeReturn.FAILURE else Gst.CLOCK_TIME_NONE
    # flashvsrfilter posts LATENCY when its processing time changes; in a live pipeline the
    # application must then recompute the latency (gst-launch-1.0 does the same), or frames may
    # reach a synchronising sink late.
    watched = Gst.MessageType.EOS | Gst.MessageType.ERROR | Gst.MessageType.LATENCY
    msg = pipeline.get_bus().timed_pop_filtered(wait, watched)
    while msg is not None and msg.type == Gst.MessageType.LATENCY:
        pipeline.recalculate_latency()
        msg = pipeline.get_bus().timed_pop_filtered(wait, watched)
    rc = 0
    if msg is None:
        print("cannot start the pipeline", file=sys.stderr)
        rc = 1
    elif msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        print("error from %s: %s\n%s" % (msg.src.get_name(), err.message, dbg or ""), file=sys.stderr)
        rc = 1
    frames_processed = vsr.get_property("frames-processed")
    pipeline.set_state(Gst.State.NULL)

    print("frames-out=%d" % seen["frames"])
    print("output-caps=%s" % (seen["caps"] or "(none)"))
    print("frames-processed=%d" % frames_processed)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
