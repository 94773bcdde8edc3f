package dev.flashvsr.engine.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes pickle opcodes by hand, for tests: well-formed torch-style tensors and state dicts as
 * well as hostile or broken streams. Opcode bytes follow the pickle protocol definitions.
 */
final class PickleBuilder {
    /** One tensor to pickle: storage record key and class, storage length, and the view on it. */
    record TensorSpec(String key, String storageClass, long numel, long offset, long[] shape, long[] stride) {
        static TensorSpec contiguous(String key, String storageClass, long... shape) {
            long[] stride = new long[shape.length];
            long s = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= shape[i];
            }
            return new TensorSpec(key, storageClass, s, 0, shape, stride);
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleBuilder proto(int version) {
        return op(0x80, version);
    }

    PickleBuilder global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    PickleBuilder stackGlobal(String module, String name) {
        return shortUnicode(module).shortUnicode(name).op(0x93);
    }

    PickleBuilder mark() {
        return op('(');
    }

    PickleBuilder unicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').raw(le(4, b.length)).raw(b);
    }

    PickleBuilder shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c, b.length).raw(b);
    }

    /** The smallest integer opcode for {@code v}, as pickle writes it. */
    PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M').raw(le(2, v));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').raw(le(4, v));
        }
        return op(0x8a, 8).raw(le(8, v));
    }

    PickleBuilder tuple(long... values) {
        switch (values.length) {
            case 0 -> op(')');
            case 1, 2, 3 -> {
                for (long v : values) {
                    integer(v);
                }
                op(0x84 + values.length);
            }
            default -> {
                mark();
                for (long v : values) {
                    integer(v);
                }
                op('t');
            }
        }
        return this;
    }

    PickleBuilder binput(int index) {
        return op('q', index);
    }

    PickleBuilder binget(int index) {
        return op('h', index);
    }

    PickleBuilder stop() {
        return op('.');
    }

    /** {@code _rebuild_tensor_v2((storage...), offset, size, stride, False, OrderedDict())}, torch-style. */
    PickleBuilder tensor(TensorSpec t) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().unicode("storage").global("torch", t.storageClass()).unicode(t.key()).unicode("cpu").integer(t.numel())
                .op('t').op('Q');
        integer(t.offset()).tuple(t.shape()).tuple(t.stride()).op(0x89);
        global("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    /**
     * {@code OrderedDict} of the given tensors, SETITEMS in one batch, then a BUILD with a
     * {@code _metadata}-like state, as {@code torch.save(module.state_dict())} writes it.
     */
    PickleBuilder stateDict(Map<String, TensorSpec> tensors) {
        global("collections", "OrderedDict").op(')', 'R').mark();
        for (Map.Entry<String, TensorSpec> e : tensors.entrySet()) {
            unicode(e.getKey()).tensor(e.getValue());
        }
        op('u');
        op('}').unicode("_metadata").global("collections", "OrderedDict").op(')', 'R').unicode("")
                .op('}').unicode("version").integer(1).op('s', 's', 's');
        return op('b');
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] le(int size, long value) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        byte[] out = new byte[size];
        System.arraycopy(b.array(), 0, out, 0, size);
        return out;
    }

    static byte[] floatsLE(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] shortsLE(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }
}
