/*
 * flashvsrfilter in a C application that links only against GStreamer.
 *
 * Builds this pipeline element by element, sets flashvsrfilter's properties
 * from the command line, runs it to the end of the stream, reports an error
 * posted on the bus (exit 1), and prints what came out:
 *
 *   videotestsrc num-buffers=N ! video/x-raw,format=F,width=W,height=H
 *     ! flashvsrfilter [PROPERTY=VALUE...] ! fakesink
 *
 * flashvsrfilter is created by name like any other element: GStreamer finds
 * the flashvsr loader plugin on GST_PLUGIN_PATH (or in its plugin directory
 * when installed system-wide), and that plugin starts the JVM that runs the
 * element. Nothing here knows about Java.
 *
 * Build:  gcc -o flashvsr_pipeline flashvsr_pipeline.c \
 *           $(pkg-config --cflags --libs gstreamer-1.0)
 * Run:    export GST_PLUGIN_PATH=<checkout>/element/target/gst-plugin
 *         ./flashvsr_pipeline I420 320 180 60 scale=2
 *         ./flashvsr_pipeline I420 320 180 60 model=/nonexistent   # fails
 *
 * usage: flashvsr_pipeline FORMAT WIDTH HEIGHT NUM_BUFFERS [PROPERTY=VALUE...]
 * prints "frames-out=<n>" (buffers that reached the sink), "output-caps=<caps>"
 * and "frames-processed=<n>" (flashvsrfilter's counter); exits 0 at the end of
 * the stream, 1 on a pipeline error, 2 when an element cannot be created,
 * 3 on bad usage.
 */
#include <gst/gst.h>
#include <stdlib.h>
#include <string.h>

static guint frames_out = 0;
static gchar *output_caps = NULL;

/* fakesink calls this from the streaming thread for each buffer it gets */
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

/* Sets "name=value" the way gst-launch-1.0 does (enums by nick, numbers,
 * booleans); FALSE when the element has no such property. */
static gboolean
set_property_arg (GstElement * element, const gchar * arg)
{
  gchar **name_value = g_strsplit (arg, "=", 2);
  gboolean ok = name_value[0] != NULL && name_value[1] != NULL
      && g_object_class_find_property (G_OBJECT_GET_CLASS (element),
      name_value[0]) != NULL;

  if (ok)
    gst_util_set_object_arg (G_OBJECT (element), name_value[0], name_value[1]);
  g_strfreev (name_value);
  return ok;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *filter, *vsr, *sink;
  GstCaps *caps;
  GstBus *bus;
  GstMessage *msg;
  GstStateChangeReturn started;
  guint64 frames_processed = 0;
  int i, rc = 0;

  gst_init (&argc, &argv);
  if (argc < 5) {
    g_printerr ("usage: %s FORMAT WIDTH HEIGHT NUM_BUFFERS [PROPERTY=VALUE...]\n",
        argv[0]);
    return 3;
  }

  vsr = gst_element_factory_make ("flashvsrfilter", "vsr");
  if (vsr == NULL) {
    g_printerr ("cannot create flashvsrfilter (is GST_PLUGIN_PATH set?)\n");
    return 2;
  }
  for (i = 5; i < argc; i++) {
    if (!set_property_arg (vsr, argv[i])) {
      g_printerr ("not a PROPERTY=VALUE of flashvsrfilter: %s\n", argv[i]);
      return 3;
    }
  }

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

  /* A bad setting (say, a model that does not exist) fails the start, and
   * flashvsrfilter posts an ERROR message that says why before that returns.
   * Otherwise wait for the end of the stream or an error while streaming. */
  started = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  /* flashvsrfilter posts LATENCY when its processing time changes; in a live
   * pipeline the application must then recompute the latency (gst-launch-1.0
   * does the same), or frames may reach a synchronising sink late. */
  while ((msg = gst_bus_timed_pop_filtered (bus,
              started == GST_STATE_CHANGE_FAILURE ? 0 : GST_CLOCK_TIME_NONE,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_LATENCY)) != NULL
      && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_LATENCY) {
    gst_bin_recalculate_latency (GST_BIN (pipeline));
    gst_message_unref (msg);
  }
  if (msg == NULL) {
    g_printerr ("cannot start the pipeline\n");
    rc = 1;
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
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
  g_object_get (vsr, "frames-processed", &frames_processed, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  g_print ("frames-out=%u\n", frames_out);
  g_print ("output-caps=%s\n", output_caps ? output_caps : "(none)");
  g_print ("frames-processed=%" G_GUINT64_FORMAT "\n", frames_processed);
  g_free (output_caps);
  return rc;
}
