package dev.flashvsr.element.gst;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/** The GStreamer core functions the element uses outside the per-buffer path ({@link StreamingCalls}). */
public interface GstApi extends Library {
    GstApi LIB = Native.load("libgstreamer-1.0.so.0", GstApi.class);

    interface ChainFunction extends Callback {
        int invoke(Pointer pad, Pointer parent, Pointer buffer);
    }

    // Callbacks return gboolean as an int: JNA would turn a Java true into -1, and GStreamer
    // compares some results with TRUE (1).
    interface EventFunction extends Callback {
        int invoke(Pointer pad, Pointer parent, Pointer event);
    }

    interface QueryFunction extends Callback {
        int invoke(Pointer pad, Pointer parent, Pointer query);
    }

    interface ChangeState extends Callback {
        int invoke(Pointer element, int transition);
    }

    // Types, registration, metadata
    long gst_element_get_type();

    long gst_int_range_get_type();

    long gst_value_list_get_type();

    boolean gst_element_register(Pointer plugin, String name, int rank, long type);

    void gst_element_class_set_metadata(Pointer elementClass, String longName, String klass, String description,
            String author);

    void gst_element_class_add_pad_template(Pointer elementClass, Pointer template);

    Pointer gst_element_class_get_pad_template(Pointer elementClass, String name);

    Pointer gst_pad_template_new(String name, int direction, int presence, Pointer caps);

    void gst_segtrap_set_enabled(boolean enabled);

    // Pads
    Pointer gst_pad_new_from_template(Pointer template, String name);

    void gst_pad_set_chain_function_full(Pointer pad, ChainFunction chain, Pointer userData, Pointer notify);

    void gst_pad_set_event_function_full(Pointer pad, EventFunction event, Pointer userData, Pointer notify);

    void gst_pad_set_query_function_full(Pointer pad, QueryFunction query, Pointer userData, Pointer notify);

    boolean gst_element_add_pad(Pointer element, Pointer pad);

    boolean gst_pad_push_event(Pointer pad, Pointer event);

    boolean gst_pad_event_default(Pointer pad, Pointer parent, Pointer event);

    boolean gst_pad_query_default(Pointer pad, Pointer parent, Pointer query);

    boolean gst_pad_peer_query(Pointer pad, Pointer query);

    Pointer gst_pad_peer_query_caps(Pointer pad, Pointer filter);

    Pointer gst_pad_get_pad_template_caps(Pointer pad);

    void gst_pad_mark_reconfigure(Pointer pad);

    // Caps and structures
    Pointer gst_caps_from_string(String caps);

    Pointer gst_caps_copy(Pointer caps);

    void gst_caps_unref(Pointer caps);

    boolean gst_caps_is_any(Pointer caps);

    boolean gst_caps_is_empty(Pointer caps);

    boolean gst_caps_is_equal(Pointer a, Pointer b);

    int gst_caps_get_size(Pointer caps);

    Pointer gst_caps_get_structure(Pointer caps, int index);

    void gst_caps_remove_structure(Pointer caps, int index);

    Pointer gst_caps_intersect_full(Pointer a, Pointer b, int mode);

    Pointer gst_caps_to_string(Pointer caps);

    Pointer gst_structure_get_value(Pointer structure, String field);

    void gst_structure_set_value(Pointer structure, String field, Pointer value);

    void gst_structure_remove_field(Pointer structure, String field);

    String gst_structure_get_string(Pointer structure, String field);

    Pointer gst_structure_new_empty(String name);

    Pointer gst_structure_copy(Pointer structure);

    int gst_value_get_int_range_min(Pointer value);

    int gst_value_get_int_range_max(Pointer value);

    int gst_value_get_int_range_step(Pointer value);

    void gst_value_set_int_range_step(Pointer value, int min, int max, int step);

    int gst_value_list_get_size(Pointer value);

    Pointer gst_value_list_get_value(Pointer value, int index);

    void gst_value_list_append_value(Pointer list, Pointer value);

    // Events, queries, messages
    Pointer gst_event_new_caps(Pointer caps);

    void gst_event_parse_caps(Pointer event, PointerByReference caps);

    void gst_query_parse_caps(Pointer query, PointerByReference filter);

    void gst_query_set_caps_result(Pointer query, Pointer caps);

    void gst_query_parse_latency(Pointer query, IntByReference live, LongByReference min, LongByReference max);

    void gst_query_set_latency(Pointer query, boolean live, long min, long max);

    Pointer gst_query_new_latency();

    Pointer gst_query_new_allocation(Pointer caps, boolean needPool);

    int gst_query_get_n_allocation_pools(Pointer query);

    void gst_query_parse_nth_allocation_pool(Pointer query, int index, PointerByReference pool, IntByReference size,
            IntByReference min, IntByReference max);

    boolean gst_query_find_allocation_meta(Pointer query, long api, Pointer index);

    void gst_query_add_allocation_meta(Pointer query, long api, Pointer params);

    Pointer gst_message_new_latency(Pointer source);

    /** Takes ownership of {@code structure}. */
    Pointer gst_message_new_element(Pointer source, Pointer structure);

    void gst_event_copy_segment(Pointer event, Pointer segment);

    void gst_event_parse_qos(Pointer event, IntByReference type, DoubleByReference proportion, LongByReference diff,
            LongByReference timestamp);

    long gst_segment_to_stream_time(Pointer segment, int format, long position);

    Pointer gst_message_new_qos(Pointer source, boolean live, long runningTime, long streamTime, long timestamp,
            long duration);

    void gst_message_set_qos_values(Pointer message, long jitter, double proportion, int quality);

    void gst_message_set_qos_stats(Pointer message, int format, long processed, long dropped);

    boolean gst_element_post_message(Pointer element, Pointer message);

    /** The element's clock, a new reference; null when it has none. */
    Pointer gst_element_get_clock(Pointer element);

    long gst_element_get_base_time(Pointer element);

    long gst_clock_get_time(Pointer clock);

    /** GST_ELEMENT_ERROR and its kin: takes ownership of text, debug and details (a GstStructure or null). */
    void gst_element_message_full_with_details(Pointer element, int type, int domain, int code, Pointer text,
            Pointer debug, String file, String function, int line, Pointer details);

    int gst_resource_error_quark();

    int gst_stream_error_quark();

    int gst_library_error_quark();

    int gst_core_error_quark();

    // Buffers and pools
    Pointer gst_buffer_pool_get_config(Pointer pool);

    boolean gst_buffer_pool_set_config(Pointer pool, Pointer config);

    void gst_buffer_pool_config_set_params(Pointer config, Pointer caps, int size, int min, int max);

    boolean gst_buffer_pool_config_validate_params(Pointer config, Pointer caps, int size, int min, int max);

    void gst_buffer_pool_config_add_option(Pointer config, String option);

    void gst_structure_free(Pointer structure);

    boolean gst_buffer_pool_set_active(Pointer pool, boolean active);

    void gst_object_unref(Pointer object);

    String gst_object_get_name(Pointer object);
}
