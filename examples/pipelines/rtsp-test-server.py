#!/usr/bin/env python3
"""A stand-in RTSP camera for rtsp-camera-to-file.sh: serves a 320x180 test pattern as H.264 at
rtsp://127.0.0.1:PORT/camera and prints that URL once it accepts clients. Runs until Ctrl-C.
Each client gets its own stream; with FRAMES it ends after that many frames, else it never ends.

usage: rtsp-test-server.py [PORT [FRAMES]]   (default port 8554; 0 picks a free one)
Needs: python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-{base,ugly}.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main(argv):
    port = argv[1] if len(argv) > 1 else "8554"
    frames = int(argv[2]) if len(argv) > 2 else -1
    Gst.init(None)
    server = GstRtspServer.RTSPServer(address="127.0.0.1", service=port)
    factory = GstRtspServer.RTSPMediaFactory()
    # pay0 is the name the server looks for; is-live paces the pattern like a real camera
    factory.set_launch(
        "( videotestsrc is-live=true num-buffers=%d"
        " ! video/x-raw,format=I420,width=320,height=180,framerate=30/1"
        " ! x264enc tune=zerolatency ! rtph264pay name=pay0 pt=96 )" % frames)
    server.get_mount_points().add_factory("/camera", factory)
    server.attach(None)
    print("rtsp://127.0.0.1:%d/camera" % server.get_bound_port(), flush=True)
    try:
        GLib.MainLoop().run()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
