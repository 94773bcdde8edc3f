/* Prints, for the installed GStreamer headers, every struct offset and enum value that
 * dev.flashvsr.element.gst.NativeLayout hard-codes, as NAME=value lines named like its fields. */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stddef.h>
#include <stdio.h>

#define P(name, value) printf("%s=%lld\n", name, (long long) (value))

int main(void) {
    P("OBJECT_CLASS_SET_PROPERTY", offsetof(GObjectClass, set_property));
    P("OBJECT_CLASS_GET_PROPERTY", offsetof(GObjectClass, get_property));
    P("OBJECT_CLASS_FINALIZE", offsetof(GObjectClass, finalize));
    P("ELEMENT_CLASS_CHANGE_STATE", offsetof(GstElementClass, change_state));
    P("TYPE_QUERY_SIZE", sizeof(GTypeQuery));
    P("TYPE_QUERY_CLASS_SIZE", offsetof(GTypeQuery, class_size));
    P("TYPE_QUERY_INSTANCE_SIZE", offsetof(GTypeQuery, instance_size));
    P("GVALUE_SIZE", sizeof(GValue));
    P("G_TYPE_INT", G_TYPE_INT);
    P("G_TYPE_BOOLEAN", G_TYPE_BOOLEAN);
    P("G_TYPE_UINT64", G_TYPE_UINT64);
    P("G_TYPE_DOUBLE", G_TYPE_DOUBLE);
    P("G_TYPE_STRING", G_TYPE_STRING);
    P("GENUM_VALUE_SIZE", sizeof(GEnumValue));
    P("MINI_OBJECT_FLAGS", offsetof(GstMiniObject, flags));
    P("EVENT_TYPE", offsetof(GstEvent, type));
    P("QUERY_TYPE", offsetof(GstQuery, type));
    P("BUFFER_PTS", offsetof(GstBuffer, pts));
    P("BUFFER_DTS", offsetof(GstBuffer, dts));
    P("BUFFER_DURATION", offsetof(GstBuffer, duration));
    P("BUFFER_OFFSET", offsetof(GstBuffer, offset));
    P("BUFFER_OFFSET_END", offsetof(GstBuffer, offset_end));
    P("BUFFER_FLAG_DISCONT", GST_BUFFER_FLAG_DISCONT);
    P("VIDEO_INFO_SIZE", sizeof(GstVideoInfo));
    P("VIDEO_INFO_WIDTH", offsetof(GstVideoInfo, width));
    P("VIDEO_INFO_HEIGHT", offsetof(GstVideoInfo, height));
    P("VIDEO_INFO_SIZE_FIELD", offsetof(GstVideoInfo, size));
    P("VIDEO_INFO_FPS_N", offsetof(GstVideoInfo, fps_n));
    P("VIDEO_INFO_FPS_D", offsetof(GstVideoInfo, fps_d));
    P("VIDEO_INFO_STRIDE", offsetof(GstVideoInfo, stride));
    P("VIDEO_FRAME_SIZE", sizeof(GstVideoFrame));
    P("VIDEO_FRAME_DATA", offsetof(GstVideoFrame, data));
    P("EVENT_CAPS", GST_EVENT_CAPS);
    P("EVENT_EOS", GST_EVENT_EOS);
    P("EVENT_FLUSH_START", GST_EVENT_FLUSH_START);
    P("EVENT_FLUSH_STOP", GST_EVENT_FLUSH_STOP);
    P("EVENT_TYPE_SERIALIZED", GST_EVENT_TYPE_SERIALIZED);
    P("EVENT_SEGMENT", GST_EVENT_SEGMENT);
    P("EVENT_QOS", GST_EVENT_QOS);
    P("SEGMENT_SIZE", sizeof(GstSegment));
    P("SEGMENT_FORMAT", offsetof(GstSegment, format));
    P("PARAM_MUTABLE_PLAYING", GST_PARAM_MUTABLE_PLAYING);
    P("FORMAT_TIME", GST_FORMAT_TIME);
    P("FORMAT_BUFFERS", GST_FORMAT_BUFFERS);
    P("QUERY_CAPS", GST_QUERY_CAPS);
    P("QUERY_LATENCY", GST_QUERY_LATENCY);
    P("QUERY_ALLOCATION", GST_QUERY_ALLOCATION);
    P("PARAM_READABLE", G_PARAM_READABLE);
    P("PARAM_READWRITE", G_PARAM_READWRITE);
    P("PARAM_MUTABLE_READY", GST_PARAM_MUTABLE_READY);
    P("PAD_SRC", GST_PAD_SRC);
    P("PAD_SINK", GST_PAD_SINK);
    P("PAD_ALWAYS", GST_PAD_ALWAYS);
    P("CAPS_INTERSECT_FIRST", GST_CAPS_INTERSECT_FIRST);
    P("MESSAGE_ERROR", GST_MESSAGE_ERROR);
    P("MESSAGE_WARNING", GST_MESSAGE_WARNING);
    P("MESSAGE_INFO", GST_MESSAGE_INFO);
    P("MAP_READ", GST_MAP_READ);
    P("MAP_WRITE", GST_MAP_WRITE);
    P("STATE_CHANGE_FAILURE", GST_STATE_CHANGE_FAILURE);
    P("STATE_CHANGE_READY_TO_PAUSED", GST_STATE_CHANGE_READY_TO_PAUSED);
    P("STATE_CHANGE_PAUSED_TO_READY", GST_STATE_CHANGE_PAUSED_TO_READY);
    P("FLOW_OK", GST_FLOW_OK);
    P("FLOW_FLUSHING", GST_FLOW_FLUSHING);
    P("FLOW_NOT_NEGOTIATED", GST_FLOW_NOT_NEGOTIATED);
    P("FLOW_ERROR", GST_FLOW_ERROR);
    P("RESOURCE_ERROR_NOT_FOUND", GST_RESOURCE_ERROR_NOT_FOUND);
    P("RESOURCE_ERROR_SETTINGS", GST_RESOURCE_ERROR_SETTINGS);
    P("RESOURCE_ERROR_OPEN_READ", GST_RESOURCE_ERROR_OPEN_READ);
    P("STREAM_ERROR_FAILED", GST_STREAM_ERROR_FAILED);
    P("STREAM_ERROR_FORMAT", GST_STREAM_ERROR_FORMAT);
    P("CORE_ERROR_NEGOTIATION", GST_CORE_ERROR_NEGOTIATION);
    P("CLOCK_TIME_NONE", (gint64) GST_CLOCK_TIME_NONE);
    return 0;
}
