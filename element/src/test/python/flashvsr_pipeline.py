#!/usr/bin/env python3
"""A plain GStreamer application in Python (PyGObject) running
   videotestsrc num-buffers=N ! video/x-raw,format=F,width=W,height=H
     ! flashvsrfilter scale=S ! fakesink
flashvsrfilter comes from the loader plugin found through GST_PLUGIN_PATH.

usage: flashvsr_pipeline.py FORMAT WIDTH HEIGHT NUM_BUFFERS [SCALE]
prints "frames-out=<n>" and "output-caps=<caps>"; exit 0 on EOS, 1 on a pipeline
error, 2 when flashvsrfilter cannot be created, 3 on bad usage.
Needs Debian's python3-gi and gir1.2-gstreamer-1.0.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main(argv):
    Gst.init(None)
    if len(argv) < 5:
        print("usage: flashvsr_pipeline.py FORMAT WIDTH HEIGHT NUM_BUFFERS [SCALE]", file=sys.stderr)
        return 3
    fmt, width, height, num_buffers = argv[1], int(argv[2]), int(argv[3]), int(argv[4])

    vsr = Gst.ElementFactory.make("flashvsrfilter", "vsr")
    if vsr is None:
        print("cannot create flashvsrfilter (is GST_PLUGIN_PATH set?)", file=sys.stderr)
        return 2
    if len(argv) > 5:
        Gst.util_set_object_arg(vsr, "scale", argv[5])

    pipeline = Gst.Pipeline.new("pipeline")
    src = Gst.ElementFactory.make("videotestsrc", None)
    capsfilter = Gst.ElementFactory.make("capsfilter", None)
    sink = Gst.ElementFactory.make("fakesink", None)
    src.set_property("num-buffers", num_buffers)
    capsfilter.set_property("caps", Gst.Caps.from_string(
        "video/x-raw,format=%s,width=%d,height=%d" % (fmt, width, height)))
    sink.set_property("signal-handoffs", True)
    sink.set_property("sync", False)

    state = {"frames": 0, "caps": None}

    def on_handoff(_sink, _buffer, pad):
        if state["frames"] == 0:
            caps = pad.get_current_caps()
            state["caps"] = caps.to_string() if caps is not None else None
        state["frames"] += 1

    sink.connect("handoff", on_handoff)
    for element in (src, capsfilter, vsr, sink):
        pipeline.add(element)
    if not (src.link(capsfilter) and capsfilter.link(vsr) and vsr.link(sink)):
        print("cannot link the pipeline", file=sys.stderr)
        return 1

    rc = 0
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print("cannot start the pipeline", file=sys.stderr)
        rc = 1
    bus = pipeline.get_bus()
    msg = bus.timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    if msg is not None and msg.type == Gst.MessageType.ERROR:
        err, dbg = msg.parse_error()
        print("error from %s: %s\n%s" % (msg.src.get_name(), err.message, dbg or ""), file=sys.stderr)
        rc = 1
    pipeline.set_state(Gst.State.NULL)

    print("frames-out=%d" % state["frames"])
    print("output-caps=%s" % (state["caps"] or "(none)"))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
