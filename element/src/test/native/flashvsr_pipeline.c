/*
 * A plain GStreamer application (linked only against libgstreamer) that runs
 *   videotestsrc num-buffers=N ! video/x-raw,format=F,width=W,height=H
 *     ! flashvsrfilter scale=S ! fakesink
 * and prints what came out. flashvsrfilter comes from the loader plugin found
 * through GST_PLUGIN_PATH; the JVM is booted by that plugin, not by this program.
 *
 * usage: flashvsr_pipeline FORMAT WIDTH HEIGHT NUM_BUFFERS [SCALE]
 * prints: "frames-out=<n>" and "output-caps=<caps>"; exit 0 on EOS,
 * 1 on a pipeline error, 2 when flashvsrfilter cannot be created, 3 on bad usage.
 */
#include <gst/gst.h>
#include <stdlib.h>

static guint frames_out = 0;
static gchar *output_caps = NULL;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad, gpointer data)
{
  (void) sink;
  (void) buffer;
  (void) data;
  if (frames_out++ == 0) {
    GstCaps *caps = gst_pad_get_current_caps (pad);
    if (caps != NULL) {
      output_caps = gst_caps_to_string (caps);
      gst_caps_unref (caps);
    }
  }
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *filter, *vsr, *sink;
  GstCaps *caps;
  GstBus *bus;
  GstMessage *msg;
  int rc = 0;

  gst_init (&argc, &argv);
  if (argc < 5) {
    g_printerr ("usage: %s FORMAT WIDTH HEIGHT NUM_BUFFERS [SCALE]\n", argv[0]);
    return 3;
  }

  vsr = gst_element_factory_make ("flashvsrfilter", "vsr");
  if (vsr == NULL) {
    g_printerr ("cannot create flashvsrfilter (is GST_PLUGIN_PATH set?)\n");
    return 2;
  }
  if (argc > 5)
    gst_util_set_object_arg (G_OBJECT (vsr), "scale", argv[5]);

  pipeline = gst_pipeline_new ("pipeline");
  src = gst_element_factory_make ("videotestsrc", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  if (src == NULL || filter == NULL || sink == NULL) {
    g_printerr ("missing videotestsrc, capsfilter or fakesink\n");
    return 2;
  }
  g_object_set (src, "num-buffers", atoi (argv[4]), NULL);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, argv[1],
      "width", G_TYPE_INT, atoi (argv[2]), "height", G_TYPE_INT,
      atoi (argv[3]), NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), NULL);

  gst_bin_add_many (GST_BIN (pipeline), src, filter, vsr, sink, NULL);
  if (!gst_element_link_many (src, filter, vsr, sink, NULL)) {
    g_printerr ("cannot link the pipeline\n");
    return 1;
  }

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("cannot start the pipeline\n");
    rc = 1;
  }
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;
    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("error from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
        err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    rc = 1;
  }
  if (msg != NULL)
    gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  g_print ("frames-out=%u\n", frames_out);
  g_print ("output-caps=%s\n", output_caps ? output_caps : "(none)");
  g_free (output_caps);
  return rc;
}
