package dev.flashvsr.element.gst;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The pool output buffers come from, negotiated with downstream through an ALLOCATION query:
 * downstream's pool when it offers one (a video sink's, an encoder's), else a video buffer pool of
 * our own. Video metadata is enabled when downstream understands it.
 */
final class OutputBufferPool implements AutoCloseable {
    private static final GstApi GST = GstApi.LIB;
    private static final String VIDEO_META_OPTION = "GstBufferPoolOptionVideoMeta";

    private final Pointer pool;
    private final Memory acquired = new Memory(Native.POINTER_SIZE);

    private OutputBufferPool(Pointer pool) {
        this.pool = pool;
    }

    /** Negotiates a pool for the source pad's caps; returns null when no pool can be activated. */
    static OutputBufferPool negotiate(Pointer srcPad, Pointer caps, VideoInfo info) {
        Pointer query = GST.gst_query_new_allocation(caps, true);
        try {
            boolean answered = GST.gst_pad_peer_query(srcPad, query);
            Pointer offered = null;
            int size = 0;
            int min = 0;
            int max = 0;
            if (answered && GST.gst_query_get_n_allocation_pools(query) > 0) {
                PointerByReference poolRef = new PointerByReference();
                IntByReference sizeRef = new IntByReference();
                IntByReference minRef = new IntByReference();
                IntByReference maxRef = new IntByReference();
                GST.gst_query_parse_nth_allocation_pool(query, 0, poolRef, sizeRef, minRef, maxRef);
                offered = poolRef.getValue();
                size = sizeRef.getValue();
                min = minRef.getValue();
                max = maxRef.getValue();
            }
            size = (int) Math.max(size, info.size());
            boolean videoMeta = answered
                    && GST.gst_query_find_allocation_meta(query, GstVideoApi.LIB.gst_video_meta_api_get_type(), null);
            if (offered != null) {
                if (configure(offered, caps, size, min, max, videoMeta)) {
                    return new OutputBufferPool(offered);
                }
                GST.gst_object_unref(offered);
            }
            Pointer own = GstVideoApi.LIB.gst_video_buffer_pool_new();
            if (configure(own, caps, size, min, max, videoMeta)) {
                return new OutputBufferPool(own);
            }
            GST.gst_object_unref(own);
            return null;
        } finally {
            StreamingCalls.gst_mini_object_unref(query);
        }
    }

    private static boolean configure(Pointer pool, Pointer caps, int size, int min, int max, boolean videoMeta) {
        Pointer config = GST.gst_buffer_pool_get_config(pool);
        GST.gst_buffer_pool_config_set_params(config, caps, size, min, max);
        if (videoMeta) {
            GST.gst_buffer_pool_config_add_option(config, VIDEO_META_OPTION);
        }
        if (!GST.gst_buffer_pool_set_config(pool, config)) {
            // The pool proposed changes; accept them only if they still fit our frames.
            config = GST.gst_buffer_pool_get_config(pool);
            if (!GST.gst_buffer_pool_config_validate_params(config, caps, size, min, max)) {
                GST.gst_structure_free(config);
                return false;
            }
            if (!GST.gst_buffer_pool_set_config(pool, config)) {
                return false;
            }
        }
        return GST.gst_buffer_pool_set_active(pool, true);
    }

    /** Acquires a buffer: returns the flow return; on success the buffer is {@link #lastAcquired()}. */
    int acquire() {
        return StreamingCalls.gst_buffer_pool_acquire_buffer(pool, acquired, null);
    }

    Pointer lastAcquired() {
        return acquired.getPointer(0);
    }

    @Override
    public void close() {
        GST.gst_buffer_pool_set_active(pool, false);
        GST.gst_object_unref(pool);
    }
}
