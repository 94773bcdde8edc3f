package dev.flashvsr.element.gst;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.flashvsr.element.loader.NativeLoaderHooks;
import dev.flashvsr.engine.Models;
import dev.flashvsr.engine.PixelFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The GObject plumbing of flashvsrfilter: registers the GType (a GstElement subclass), fills its
 * class (metadata, pad templates, properties, vfuncs) and routes every native callback to the
 * {@link FlashVsrFilter} of its instance. Class and instance setup first let the native loader
 * re-install the JVM's SIGSEGV handler, which GStreamer's plugin loading removes. Callback objects live in static fields because JNA frees
 * a trampoline once its Java object is collected; each callback catches everything, since an
 * escaped exception would read as success to GStreamer.
 */
public final class ElementType {
    public static final String ELEMENT_NAME = "flashvsrfilter";
    static final String TYPE_NAME = "GstFlashVsrFilter";
    static final String CAPS = "video/x-raw, format=(string)" + PixelFormat.gstFormatList()
            + ", width=(int)[ 1, 2147483647 ], height=(int)[ 1, 2147483647 ], framerate=(fraction)[ 0/1, 2147483647/1 ]";

    private static final GstApi GST = GstApi.LIB;
    private static final GObjectApi GOBJECT = GObjectApi.LIB;
    private static final Map<Long, FlashVsrFilter> INSTANCES = new ConcurrentHashMap<>();
    private static long type;
    private static Function parentChangeState;
    private static Function parentFinalize;

    private static final GObjectApi.ClassInit CLASS_INIT = ElementType::classInit;
    private static final GObjectApi.InstanceInit INSTANCE_INIT = ElementType::instanceInit;
    private static final GObjectApi.SetProperty SET_PROPERTY = ElementType::setProperty;
    private static final GObjectApi.GetProperty GET_PROPERTY = ElementType::getProperty;
    private static final GObjectApi.Finalize FINALIZE = ElementType::finalizeInstance;
    private static final GstApi.ChangeState CHANGE_STATE = ElementType::changeState;
    private static final GstApi.ChainFunction CHAIN = ElementType::chain;
    private static final GstApi.EventFunction SINK_EVENT = ElementType::sinkEvent;
    private static final GstApi.QueryFunction SINK_QUERY = ElementType::sinkQuery;
    private static final GstApi.QueryFunction SRC_QUERY = ElementType::srcQuery;
    private static final GstApi.EventFunction SRC_EVENT = ElementType::srcEvent;

    static {
        // Keep GStreamer's streaming threads attached to the JVM instead of attaching per buffer.
        CallbackThreadInitializer streaming = new CallbackThreadInitializer(true, false, "gst-streaming");
        Native.setCallbackThreadInitializer(CHAIN, streaming);
        Native.setCallbackThreadInitializer(SINK_EVENT, streaming);
        Native.setCallbackThreadInitializer(SINK_QUERY, streaming);
        Native.setCallbackThreadInitializer(SRC_QUERY, streaming);
        Native.setCallbackThreadInitializer(SRC_EVENT, streaming);
    }

    private ElementType() {
    }

    /** Registers the GType once per process and returns it. */
    public static synchronized long gtype() {
        if (type == 0) {
            type = GOBJECT.g_type_from_name(TYPE_NAME);
        }
        if (type == 0) {
            Memory query = new Memory(NativeLayout.TYPE_QUERY_SIZE);
            query.clear();
            GOBJECT.g_type_query(GST.gst_element_get_type(), query);
            int classSize = query.getInt(NativeLayout.TYPE_QUERY_CLASS_SIZE);
            int instanceSize = query.getInt(NativeLayout.TYPE_QUERY_INSTANCE_SIZE);
            type = GOBJECT.g_type_register_static_simple(GST.gst_element_get_type(), TYPE_NAME, classSize,
                    CLASS_INIT, instanceSize, INSTANCE_INIT, 0);
            if (type == 0) {
                throw new IllegalStateException("GLib refused to register type " + TYPE_NAME);
            }
            DebugLog.routeJavaLogging();
        }
        return type;
    }

    private static void classInit(Pointer klass, Pointer classData) {
        try {
            NativeLoaderHooks.afterPluginLoad();
            Pointer parent = GOBJECT.g_type_class_peek_parent(klass);
            parentChangeState = Function.getFunction(parent.getPointer(NativeLayout.ELEMENT_CLASS_CHANGE_STATE));
            parentFinalize = Function.getFunction(parent.getPointer(NativeLayout.OBJECT_CLASS_FINALIZE));
            klass.setPointer(NativeLayout.OBJECT_CLASS_SET_PROPERTY, callbackPointer(SET_PROPERTY));
            klass.setPointer(NativeLayout.OBJECT_CLASS_GET_PROPERTY, callbackPointer(GET_PROPERTY));
            klass.setPointer(NativeLayout.OBJECT_CLASS_FINALIZE, callbackPointer(FINALIZE));
            klass.setPointer(NativeLayout.ELEMENT_CLASS_CHANGE_STATE, callbackPointer(CHANGE_STATE));
            ElementProperties.installAll(klass);
            GST.gst_element_class_set_metadata(klass, "FlashVSR video super-resolution", "Filter/Effect/Video/Scaler",
                    "Upscales raw video 2x or 4x frame by frame with a streaming super-resolution model (default: "
                            + Models.DEFAULT + ", a small recurrent network run by ONNX Runtime on the CPU; built-in: "
                            + String.join(", ", Models.builtInNames()) + "; or a model package)",
                    "the flashvsr-gst developers");
            addTemplate(klass, "sink", NativeLayout.PAD_SINK);
            addTemplate(klass, "src", NativeLayout.PAD_SRC);
        } catch (Throwable t) {
            GOBJECT.g_printerr("flashvsrfilter: class setup failed: %s\n", t.toString());
        }
    }

    private static Pointer callbackPointer(com.sun.jna.Callback callback) {
        return com.sun.jna.CallbackReference.getFunctionPointer(callback);
    }

    private static void addTemplate(Pointer klass, String name, int direction) {
        Pointer caps = GST.gst_caps_from_string(CAPS);
        GST.gst_element_class_add_pad_template(klass,
                GST.gst_pad_template_new(name, direction, NativeLayout.PAD_ALWAYS, caps));
        GST.gst_caps_unref(caps);
    }

    private static void instanceInit(Pointer instance, Pointer klass) {
        try {
            NativeLoaderHooks.afterPluginLoad();
            Pointer sink = GST.gst_pad_new_from_template(GST.gst_element_class_get_pad_template(klass, "sink"), "sink");
            Pointer src = GST.gst_pad_new_from_template(GST.gst_element_class_get_pad_template(klass, "src"), "src");
            GST.gst_pad_set_chain_function_full(sink, CHAIN, null, null);
            GST.gst_pad_set_event_function_full(sink, SINK_EVENT, null, null);
            GST.gst_pad_set_query_function_full(sink, SINK_QUERY, null, null);
            GST.gst_pad_set_query_function_full(src, SRC_QUERY, null, null);
            GST.gst_pad_set_event_function_full(src, SRC_EVENT, null, null);
            INSTANCES.put(Pointer.nativeValue(instance), new FlashVsrFilter(instance, sink, src));
            GST.gst_element_add_pad(instance, sink);
            GST.gst_element_add_pad(instance, src);
        } catch (Throwable t) {
            GOBJECT.g_printerr("flashvsrfilter: instance setup failed: %s\n", t.toString());
        }
    }

    private static FlashVsrFilter filter(Pointer element) {
        FlashVsrFilter filter = INSTANCES.get(Pointer.nativeValue(element));
        if (filter == null) {
            throw new IllegalStateException("no flashvsrfilter state for element " + element);
        }
        return filter;
    }

    private static void setProperty(Pointer object, int id, Pointer value, Pointer spec) {
        ElementProperties property = ElementProperties.byId(id);
        try {
            property.set(filter(object), value);
        } catch (Throwable t) {
            GOBJECT.g_printerr("flashvsrfilter: cannot set '%s': %s\n", property.propertyName(), t.getMessage());
        }
    }

    private static void getProperty(Pointer object, int id, Pointer value, Pointer spec) {
        try {
            ElementProperties.byId(id).get(filter(object), value);
        } catch (Throwable t) {
            GOBJECT.g_printerr("flashvsrfilter: cannot read property %d: %s\n", id, t.toString());
        }
    }

    private static void finalizeInstance(Pointer object) {
        try {
            FlashVsrFilter filter = INSTANCES.remove(Pointer.nativeValue(object));
            if (filter != null) {
                filter.stop();
            }
        } catch (Throwable t) {
            GOBJECT.g_printerr("flashvsrfilter: finalize failed: %s\n", t.toString());
        }
        parentFinalize.invokeVoid(new Object[] {object});
    }

    private static int changeState(Pointer element, int transition) {
        try {
            return filter(element).changeState(transition, parentChangeState);
        } catch (Throwable t) {
            ElementMessages.error(element, "changing state failed", t);
            return NativeLayout.STATE_CHANGE_FAILURE;
        }
    }

    private static int chain(Pointer pad, Pointer parent, Pointer buffer) {
        try {
            return filter(parent).chain(buffer);
        } catch (Throwable t) {
            ElementMessages.error(parent, "processing a frame failed", t);
            return NativeLayout.FLOW_ERROR;
        }
    }

    /**
     * Runs a pad's event or query function: TRUE or FALSE for GStreamer, FALSE with an element
     * error naming {@code failure} when it throws.
     */
    private static int padFunction(Pointer parent, String failure, Predicate<FlashVsrFilter> call) {
        try {
            return call.test(filter(parent)) ? 1 : 0;
        } catch (Throwable t) {
            ElementMessages.error(parent, failure, t);
            return 0;
        }
    }

    private static int sinkEvent(Pointer pad, Pointer parent, Pointer event) {
        return padFunction(parent, "handling an event failed", f -> f.sinkEvent(pad, parent, event));
    }

    private static int srcEvent(Pointer pad, Pointer parent, Pointer event) {
        return padFunction(parent, "handling an upstream event failed", f -> f.srcEvent(pad, parent, event));
    }

    private static int sinkQuery(Pointer pad, Pointer parent, Pointer query) {
        return padFunction(parent, "answering a query failed", f -> f.sinkQuery(pad, parent, query));
    }

    private static int srcQuery(Pointer pad, Pointer parent, Pointer query) {
        return padFunction(parent, "answering a query failed", f -> f.srcQuery(pad, parent, query));
    }
}
