package dev.flashvsr.engine.weights;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader that understands exactly what {@code torch.save} writes for a tensor or a state
 * dict, written from the pickle opcode definitions, and refuses everything else. Nothing is ever
 * executed, imported or instantiated: the only callables are the whitelisted {@link Global}s,
 * interpreted here as data ({@link PickledTensor}, {@link PickledStorage}, {@link Map}).
 *
 * <p>Supported opcodes: PROTO (2-5), FRAME, STOP, MARK; NONE, NEWTRUE, NEWFALSE, BININT1, BININT2,
 * BININT, LONG1 (up to 64 bits), BINFLOAT; BINUNICODE, SHORT_BINUNICODE, BINSTRING, SHORT_BINSTRING
 * (UTF-8); EMPTY_TUPLE, TUPLE, TUPLE1-3, EMPTY_LIST, APPEND, APPENDS, EMPTY_DICT, SETITEM, SETITEMS;
 * BINPUT, LONG_BINPUT, MEMOIZE, BINGET, LONG_BINGET; GLOBAL and STACK_GLOBAL (whitelist only);
 * BINPERSID (only {@code ('storage', storage class, key, location, numel)}); REDUCE (only an empty
 * {@code OrderedDict()} and {@code _rebuild_tensor_v2}); BUILD (only a dict's state, ignored: it is
 * the {@code _metadata} attribute of a state dict). INST, OBJ, NEWOBJ, PERSID, EXT* and all others
 * are refused.
 *
 * <p>Resource limits: the input is a byte array the caller has size-capped; at most
 * {@link #MAX_VALUES} values, marks and memo entries are created, so no input can exhaust memory
 * or loop; the machine never recurses, and dict keys are restricted to strings and ints so that no
 * hashing recurses into attacker-built structures either.
 */
final class RestrictedUnpickler {
    /** Upper bound on values, marks and memo entries (a 1,000-tensor state dict needs about 20,000). */
    static final int MAX_VALUES = 4_000_000;
    private static final int MAX_GLOBAL_LINE = 256;

    /** The only globals a weights pickle may name. Storage classes carry their element type. */
    enum Global {
        ORDERED_DICT("collections", "OrderedDict", null),
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2", null),
        FLOAT_STORAGE("torch", "FloatStorage", DType.F32),
        BFLOAT16_STORAGE("torch", "BFloat16Storage", DType.BF16),
        HALF_STORAGE("torch", "HalfStorage", DType.F16);

        final String module;
        final String name;
        final DType storageType;

        Global(String module, String name, DType storageType) {
            this.module = module;
            this.name = name;
            this.storageType = storageType;
        }

        static Global find(String module, String name) {
            for (Global g : values()) {
                if (g.module.equals(module) && g.name.equals(name)) {
                    return g;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A storage record named by a persistent id: element type and count; its bytes are {@code data/<key>}. */
    record PickledStorage(String key, DType dtype, long numel) {
    }

    /** A tensor's view of a storage, in elements: nothing is read. */
    record PickledTensor(PickledStorage storage, long storageOffset, long[] shape, long[] stride) {
        PickledTensor {
            shape = shape.clone();
            stride = stride.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public long[] stride() {
            return stride.clone();
        }
    }

    /** An immutable pickle tuple (no equals/hashCode: tuples are never dict keys here). */
    static final class Tuple {
        final Object[] items;

        Tuple(Object[] items) {
            this.items = items;
        }
    }

    private final byte[] data;
    private final String origin;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final Map<String, PickledStorage> storages = new LinkedHashMap<>();
    private int position;
    private int opcodeStart;
    private int created;

    private RestrictedUnpickler(byte[] data, String origin) {
        this.data = data;
        this.origin = origin;
    }

    /**
     * Interprets {@code pickle}: returns a {@link PickledTensor}, a {@code Map} (dict or
     * OrderedDict, insertion order kept), a {@code List}, a {@link Tuple}, a String, Long, Double,
     * Boolean, null, a {@link Global} or a {@link PickledStorage}.
     *
     * @param origin names the pickle in error messages (file and entry)
     * @throws IOException for anything malformed, truncated, over a limit, or not whitelisted
     */
    static Object load(byte[] pickle, String origin) throws IOException {
        return new RestrictedUnpickler(pickle, origin).run();
    }

    /** Short type name of a value returned by {@link #load}, for error messages (never its content). */
    static String typeName(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Long) {
            return "int";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Tuple t) {
            return "tuple of " + t.items.length;
        }
        if (value instanceof List<?>) {
            return "list";
        }
        if (value instanceof Map<?, ?>) {
            return "dict";
        }
        if (value instanceof Global g) {
            return "global " + g;
        }
        if (value instanceof PickledStorage) {
            return "storage";
        }
        return "tensor";
    }

    private Object run() throws IOException {
        while (true) {
            if (position >= data.length) {
                opcodeStart = position;
                throw fail("the pickle ends without a STOP opcode (truncated)");
            }
            opcodeStart = position;
            int op = data[position++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int version = u8();
                    if (version < 2 || version > 5) {
                        throw fail("unsupported pickle protocol " + version + " (2 to 5 are read)");
                    }
                }
                case 0x95 -> bytes(8); // FRAME: a buffering hint; the whole pickle is in memory already
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("STOP with " + stack.size() + " values and " + marks.size()
                                + " open MARKs on the stack (expected exactly one value)");
                    }
                    return stack.get(0);
                }
                case '(' -> { // MARK
                    count();
                    marks.add(stack.size());
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
                case 'J' -> push((long) littleEndian(4).getInt()); // BININT
                case 0x8a -> push(long1()); // LONG1
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT
                case 'X' -> push(string(littleEndian(4).getInt() & 0xffffffffL)); // BINUNICODE
                case 0x8c, 'U' -> push(string(u8())); // SHORT_BINUNICODE, SHORT_BINSTRING
                case 'T' -> push(string(littleEndian(4).getInt())); // BINSTRING (signed length)
                case ')' -> push(new Tuple(new Object[0])); // EMPTY_TUPLE
                case 't' -> push(new Tuple(popToMark())); // TUPLE
                case 0x85, 0x86, 0x87 -> push(new Tuple(popN(op - 0x84))); // TUPLE1-3
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case 'a' -> { // APPEND
                    Object value = pop();
                    appendTarget().add(value);
                }
                case 'e' -> appendTarget(popToMark()); // APPENDS
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dictTarget().put(dictKey(key), value);
                }
                case 'u' -> setItems(popToMark()); // SETITEMS
                case 'c' -> { // GLOBAL
                    String module = line();
                    String name = line();
                    push(global(module, name));
                }
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings, found " + typeName(module) + " and "
                                + typeName(name));
                    }
                    push(global(m, n));
                }
                case 'Q' -> push(persistentStorage(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object arguments = pop();
                    Object callable = pop();
                    push(reduce(callable, arguments));
                }
                case 'b' -> build(pop(), peek()); // BUILD
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(littleEndian(4).getInt() & 0xffffffffL); // LONG_BINPUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> memoGet(u8()); // BINGET
                case 'j' -> memoGet(littleEndian(4).getInt() & 0xffffffffL); // LONG_BINGET
                default -> throw fail("unsupported pickle opcode " + opcodeName(op)
                        + "; only the opcodes torch.save uses for tensors and state dicts are read");
            }
        }
    }

    private IOException fail(String message) {
        int op = opcodeStart < data.length ? data[opcodeStart] & 0xff : -1;
        return new IOException(origin + ": pickle offset " + opcodeStart
                + (op >= 0 ? " (" + opcodeName(op) + ")" : "") + ": " + message);
    }

    private IOException refuse(String what) {
        return fail("refused " + what + ": nothing is executed or instantiated; a weights pickle may only use "
                + Arrays.toString(Global.values()) + " and ('storage', ...) persistent ids");
    }

    private void count() throws IOException {
        if (++created > MAX_VALUES) {
            throw fail("more than " + MAX_VALUES + " values: not a weights file");
        }
    }

    private void push(Object value) throws IOException {
        count();
        stack.add(value);
    }

    private Object pop() throws IOException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws IOException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object[] popN(int n) throws IOException {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return items;
    }

    private Object[] popToMark() throws IOException {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack");
        }
        int mark = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(mark, stack.size());
        Object[] items = top.toArray();
        top.clear();
        return items;
    }

    private int u8() throws IOException {
        return bytes(1)[0] & 0xff;
    }

    private ByteBuffer littleEndian(int n) throws IOException {
        return ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] bytes(long n) throws IOException {
        if (n < 0 || n > data.length - position) {
            throw fail("needs " + n + " bytes but only " + (data.length - position) + " remain (truncated or corrupt)");
        }
        byte[] out = Arrays.copyOfRange(data, position, position + (int) n);
        position += (int) n;
        return out;
    }

    private long long1() throws IOException {
        byte[] littleEndian = bytes(u8());
        if (littleEndian.length == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[littleEndian.length];
        for (int i = 0; i < littleEndian.length; i++) {
            bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
        }
        BigInteger value = new BigInteger(bigEndian);
        if (value.bitLength() > 63) {
            throw fail("integer of " + value.bitLength() + " bits does not fit in 64 bits");
        }
        return value.longValue();
    }

    private String string(long length) throws IOException {
        byte[] bytes = bytes(length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string of " + length + " bytes is not valid UTF-8");
        }
    }

    private String line() throws IOException {
        int limit = Math.min(data.length, position + MAX_GLOBAL_LINE);
        for (int i = position; i < limit; i++) {
            if (data[i] == '\n') {
                String text = new String(data, position, i - position, StandardCharsets.US_ASCII);
                position = i + 1;
                return text;
            }
        }
        throw fail("GLOBAL name is not a newline-terminated line of at most " + MAX_GLOBAL_LINE + " bytes");
    }

    private Global global(String module, String name) throws IOException {
        Global global = Global.find(module, name);
        if (global == null) {
            throw refuse("global '" + printable(module) + " " + printable(name) + "'");
        }
        return global;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < 100; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 100 ? out + "..." : out.toString();
    }

    private List<Object> appendTarget() throws IOException {
        Object target = peek();
        if (!(target instanceof List<?>)) {
            throw fail("APPEND target is a " + typeName(target) + ", not a list");
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) target;
        return list;
    }

    private void appendTarget(Object[] items) throws IOException {
        appendTarget().addAll(Arrays.asList(items));
    }

    private Map<Object, Object> dictTarget() throws IOException {
        Object target = peek();
        if (!(target instanceof Map<?, ?>)) {
            throw fail("SETITEM target is a " + typeName(target) + ", not a dict");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) target;
        return map;
    }

    private void setItems(Object[] items) throws IOException {
        if (items.length % 2 != 0) {
            throw fail("SETITEMS with an odd number (" + items.length + ") of keys and values");
        }
        Map<Object, Object> dict = dictTarget();
        for (int i = 0; i < items.length; i += 2) {
            dict.put(dictKey(items[i]), items[i + 1]);
        }
    }

    private Object dictKey(Object key) throws IOException {
        if (key instanceof String || key instanceof Long) {
            return key;
        }
        throw fail("dict key of type " + typeName(key) + " (only str and int keys are read)");
    }

    private void memoPut(long index) throws IOException {
        count();
        memo.put(index, peek());
    }

    private void memoGet(long index) throws IOException {
        if (!memo.containsKey(index)) {
            throw fail("memo index " + index + " was never stored (memo holds " + memo.size() + " entries)");
        }
        push(memo.get(index));
    }

    private PickledStorage persistentStorage(Object id) throws IOException {
        if (!(id instanceof Tuple tuple) || tuple.items.length != 5 || !"storage".equals(tuple.items[0])) {
            throw refuse("persistent id (" + typeName(id) + ") that is not ('storage', class, key, location, numel)");
        }
        Object[] items = tuple.items;
        if (!(items[1] instanceof Global storageClass) || storageClass.storageType == null) {
            throw refuse("storage class " + typeName(items[1]));
        }
        if (!(items[2] instanceof String key) || !(items[3] instanceof String)) {
            throw fail("storage key and location must be strings, found " + typeName(items[2]) + " and "
                    + typeName(items[3]));
        }
        long numel = nonNegative(items[4], "storage element count");
        try {
            Math.multiplyExact(numel, (long) storageClass.storageType.size());
        } catch (ArithmeticException e) {
            throw fail("storage '" + key + "' of " + numel + " elements is too large");
        }
        PickledStorage storage = new PickledStorage(key, storageClass.storageType, numel);
        PickledStorage earlier = storages.putIfAbsent(key, storage);
        if (earlier != null && !earlier.equals(storage)) {
            throw fail("storage '" + key + "' is declared as " + earlier.numel() + " " + earlier.dtype()
                    + " elements and again as " + numel + " " + storage.dtype());
        }
        return earlier != null ? earlier : storage;
    }

    private Object reduce(Object callable, Object arguments) throws IOException {
        if (!(callable instanceof Global global)) {
            throw refuse("REDUCE of a " + typeName(callable));
        }
        if (!(arguments instanceof Tuple tuple)) {
            throw fail("REDUCE arguments are a " + typeName(arguments) + ", not a tuple");
        }
        return switch (global) {
            case ORDERED_DICT -> {
                if (tuple.items.length != 0) {
                    throw refuse("collections.OrderedDict called with arguments");
                }
                yield new LinkedHashMap<Object, Object>();
            }
            case REBUILD_TENSOR_V2 -> rebuildTensor(tuple.items);
            default -> throw refuse("call of " + global + " (storage classes only appear in persistent ids)");
        };
    }

    /**
     * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks
     * [, metadata])}: checked so that every element lies inside the storage and no element of the
     * storage is seen twice.
     */
    private PickledTensor rebuildTensor(Object[] args) throws IOException {
        if (args.length != 6 && args.length != 7) {
            throw fail("_rebuild_tensor_v2 with " + args.length + " arguments (6 or 7 expected)");
        }
        if (!(args[0] instanceof PickledStorage storage)) {
            throw fail("_rebuild_tensor_v2 storage argument is a " + typeName(args[0]));
        }
        long offset = nonNegative(args[1], "storage offset");
        long[] shape = longTuple(args[2], "size");
        long[] stride = longTuple(args[3], "stride");
        if (shape.length != stride.length) {
            throw fail("tensor size has " + shape.length + " dimensions but stride has " + stride.length);
        }
        if (!(args[4] instanceof Boolean)) {
            throw fail("requires_grad is a " + typeName(args[4]) + ", not a bool");
        }
        if (!(args[5] instanceof Map<?, ?> hooks) || !hooks.isEmpty()) {
            throw refuse("tensor backward hooks (" + typeName(args[5]) + ")");
        }
        if (args.length == 7 && (!(args[6] instanceof Map<?, ?> metadata) || !metadata.isEmpty())) {
            throw fail("tensor metadata (" + typeName(args[6]) + ") is not an empty dict");
        }
        try {
            long numel = FloatTensor.elementCount(shape);
            long last = offset;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
                }
            }
            boolean inside = numel == 0 ? offset <= storage.numel() : last < storage.numel();
            if (!inside) {
                throw fail("tensor of size " + Arrays.toString(shape) + ", stride " + Arrays.toString(stride)
                        + " at offset " + offset + " reaches past storage '" + storage.key() + "' of "
                        + storage.numel() + " elements");
            }
            if (numel > storage.numel() - offset) {
                // Only views whose strides repeat elements (stride 0: expand/broadcast) get here. No
                // weight file holds one, and reading it would multiply a small file into any size.
                throw fail("tensor of size " + Arrays.toString(shape) + ", stride " + Arrays.toString(stride)
                        + " has " + numel + " elements but views only " + (storage.numel() - offset)
                        + " elements of storage '" + storage.key() + "': a view that repeats elements is not a weight");
            }
        } catch (ArithmeticException e) {
            throw fail("tensor size " + Arrays.toString(shape) + " / stride " + Arrays.toString(stride)
                    + " overflows");
        }
        return new PickledTensor(storage, offset, shape, stride);
    }

    private long[] longTuple(Object value, String what) throws IOException {
        if (!(value instanceof Tuple tuple)) {
            throw fail("tensor " + what + " is a " + typeName(value) + ", not a tuple");
        }
        long[] out = new long[tuple.items.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = nonNegative(tuple.items[i], "tensor " + what + " entry");
        }
        return out;
    }

    private long nonNegative(Object value, String what) throws IOException {
        if (!(value instanceof Long number) || number < 0) {
            throw fail(what + " must be a non-negative int, found " + (value instanceof Long ? value : typeName(value)));
        }
        return number;
    }

    private void build(Object state, Object target) throws IOException {
        if (!(target instanceof Map<?, ?>) || !(state instanceof Map<?, ?>)) {
            throw refuse("BUILD of a " + typeName(target) + " with a " + typeName(state)
                    + " (only a dict's attribute dict is accepted, and ignored)");
        }
    }

    private static String opcodeName(int op) {
        String name = switch (op) {
            case '(' -> "MARK";
            case '.' -> "STOP";
            case '0' -> "POP";
            case '1' -> "POP_MARK";
            case '2' -> "DUP";
            case 'F' -> "FLOAT";
            case 'I' -> "INT";
            case 'J' -> "BININT";
            case 'K' -> "BININT1";
            case 'L' -> "LONG";
            case 'M' -> "BININT2";
            case 'N' -> "NONE";
            case 'P' -> "PERSID";
            case 'Q' -> "BINPERSID";
            case 'R' -> "REDUCE";
            case 'S' -> "STRING";
            case 'T' -> "BINSTRING";
            case 'U' -> "SHORT_BINSTRING";
            case 'V' -> "UNICODE";
            case 'X' -> "BINUNICODE";
            case 'a' -> "APPEND";
            case 'b' -> "BUILD";
            case 'c' -> "GLOBAL";
            case 'd' -> "DICT";
            case '}' -> "EMPTY_DICT";
            case 'e' -> "APPENDS";
            case 'g' -> "GET";
            case 'h' -> "BINGET";
            case 'i' -> "INST";
            case 'j' -> "LONG_BINGET";
            case 'l' -> "LIST";
            case ']' -> "EMPTY_LIST";
            case 'o' -> "OBJ";
            case 'p' -> "PUT";
            case 'q' -> "BINPUT";
            case 'r' -> "LONG_BINPUT";
            case 's' -> "SETITEM";
            case 't' -> "TUPLE";
            case ')' -> "EMPTY_TUPLE";
            case 'u' -> "SETITEMS";
            case 'G' -> "BINFLOAT";
            case 0x80 -> "PROTO";
            case 0x81 -> "NEWOBJ";
            case 0x82 -> "EXT1";
            case 0x83 -> "EXT2";
            case 0x84 -> "EXT4";
            case 0x85 -> "TUPLE1";
            case 0x86 -> "TUPLE2";
            case 0x87 -> "TUPLE3";
            case 0x88 -> "NEWTRUE";
            case 0x89 -> "NEWFALSE";
            case 0x8a -> "LONG1";
            case 0x8b -> "LONG4";
            case 0x8c -> "SHORT_BINUNICODE";
            case 0x8d -> "BINUNICODE8";
            case 0x8e -> "BINBYTES8";
            case 0x8f -> "EMPTY_SET";
            case 0x90 -> "ADDITEMS";
            case 0x91 -> "FROZENSET";
            case 0x92 -> "NEWOBJ_EX";
            case 0x93 -> "STACK_GLOBAL";
            case 0x94 -> "MEMOIZE";
            case 0x95 -> "FRAME";
            case 0x96 -> "BYTEARRAY8";
            case 0x97 -> "NEXT_BUFFER";
            case 0x98 -> "READONLY_BUFFER";
            case 'B' -> "BINBYTES";
            case 'C' -> "SHORT_BINBYTES";
            default -> null;
        };
        String hex = String.format("0x%02x", op);
        return name == null ? "unknown opcode " + hex : name + " " + hex;
    }
}
