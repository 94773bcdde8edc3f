package dev.flashvsr.element.gst;

/**
 * Struct offsets, sizes and enum values of GLib/GStreamer 1.x on 64-bit Linux that the bindings
 * rely on. {@code NativeLayoutTest} checks every one against the installed C headers.
 */
public final class NativeLayout {
    private NativeLayout() {
    }

    // GObjectClass / GstElementClass vfuncs
    public static final int OBJECT_CLASS_SET_PROPERTY = 24;
    public static final int OBJECT_CLASS_GET_PROPERTY = 32;
    public static final int OBJECT_CLASS_FINALIZE = 48;
    public static final int ELEMENT_CLASS_CHANGE_STATE = 272;

    // GTypeQuery
    public static final int TYPE_QUERY_SIZE = 24;
    public static final int TYPE_QUERY_CLASS_SIZE = 16;
    public static final int TYPE_QUERY_INSTANCE_SIZE = 20;

    // GValue
    public static final int GVALUE_SIZE = 24;
    public static final long G_TYPE_INT = 24;
    public static final long G_TYPE_BOOLEAN = 20;
    public static final long G_TYPE_UINT64 = 44;
    public static final long G_TYPE_DOUBLE = 60;
    public static final long G_TYPE_STRING = 64;
    public static final int GENUM_VALUE_SIZE = 24;

    // GstMiniObject, GstEvent, GstQuery, GstBuffer
    public static final int MINI_OBJECT_FLAGS = 16;
    public static final int EVENT_TYPE = 64;
    public static final int QUERY_TYPE = 64;
    public static final int BUFFER_PTS = 72;
    public static final int BUFFER_DTS = 80;
    public static final int BUFFER_DURATION = 88;
    public static final int BUFFER_OFFSET = 96;
    public static final int BUFFER_OFFSET_END = 104;
    public static final int BUFFER_FLAG_DISCONT = 64;

    // GstSegment (copied out of SEGMENT events to compute running times)
    public static final int SEGMENT_SIZE = 120;
    public static final int SEGMENT_FORMAT = 24;

    // GstVideoInfo and GstVideoFrame
    public static final int VIDEO_INFO_SIZE = 152;
    public static final int VIDEO_INFO_WIDTH = 16;
    public static final int VIDEO_INFO_HEIGHT = 20;
    public static final int VIDEO_INFO_SIZE_FIELD = 24;
    public static final int VIDEO_INFO_FPS_N = 64;
    public static final int VIDEO_INFO_FPS_D = 68;
    public static final int VIDEO_INFO_STRIDE = 104;
    public static final int VIDEO_FRAME_SIZE = 664;
    public static final int VIDEO_FRAME_DATA = 184;

    // Enum values
    public static final int EVENT_CAPS = 12814;
    public static final int EVENT_EOS = 28174;
    public static final int EVENT_FLUSH_START = 2563;
    public static final int EVENT_FLUSH_STOP = 5127;
    public static final int EVENT_SEGMENT = 17934;
    public static final int EVENT_QOS = 48641;
    public static final int EVENT_TYPE_SERIALIZED = 4;
    public static final int QUERY_CAPS = 43523;
    public static final int QUERY_LATENCY = 7683;
    public static final int QUERY_ALLOCATION = 35846;
    public static final int PARAM_READABLE = 1;
    public static final int PARAM_READWRITE = 3;
    public static final int PARAM_MUTABLE_READY = 1024;
    public static final int PARAM_MUTABLE_PLAYING = 4096;
    public static final int FORMAT_TIME = 3;
    public static final int FORMAT_BUFFERS = 4;
    public static final int PAD_SRC = 1;
    public static final int PAD_SINK = 2;
    public static final int PAD_ALWAYS = 0;
    public static final int CAPS_INTERSECT_FIRST = 1;
    public static final int MESSAGE_ERROR = 2;
    public static final int MESSAGE_WARNING = 4;
    public static final int MESSAGE_INFO = 8;
    public static final int MAP_READ = 1;
    public static final int MAP_WRITE = 2;
    public static final int STATE_CHANGE_FAILURE = 0;
    public static final int STATE_CHANGE_READY_TO_PAUSED = 19;
    public static final int STATE_CHANGE_PAUSED_TO_READY = 26;
    public static final int FLOW_OK = 0;
    public static final int FLOW_FLUSHING = -2;
    public static final int FLOW_NOT_NEGOTIATED = -4;
    public static final int FLOW_ERROR = -5;
    public static final int RESOURCE_ERROR_NOT_FOUND = 3;
    public static final int RESOURCE_ERROR_SETTINGS = 13;
    public static final int RESOURCE_ERROR_OPEN_READ = 5;
    public static final int STREAM_ERROR_FAILED = 1;
    public static final int STREAM_ERROR_FORMAT = 11;
    public static final int CORE_ERROR_NEGOTIATION = 7;
    public static final long CLOCK_TIME_NONE = -1L;
}
