package org.fos.codec.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;

import org.fos.kernel.api.Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes an attacker or a broken peer could send. Every case must end in an
 * {@link IllegalArgumentException}, quickly, without allocating more than a small multiple of the
 * input, and without instantiating anything that is not allowed.
 */
class HostileInputTest {

    private static final Duration QUICKLY = Duration.ofSeconds(5);
    private static final long ALLOCATION_LIMIT = 16L << 20;

    /** A record the attacker's codec allows under names the victim's does not. */
    record Payload(String path) {
    }

    /** A record of the attacker's with a number where the victim's has a string. */
    record Numbered(int path) {
    }

    /** The shape of a kernel capability, with fields the real one refuses. */
    record FakeCapability(Address address, int rights, long tokenHigh, long tokenLow) {
    }

    private final BinaryPayloadCodec victim = new BinaryPayloadCodec();

    /** A codec that writes Smile, as a node before ADR 0096 does: the victim reads that format too. */
    private static BinaryPayloadCodec smileWriter() {
        BinaryPayloadCodec c = new BinaryPayloadCodec();
        c.writeSmile(true);
        return c;
    }

    private void assertRefused(byte[] bytes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertTimeout(QUICKLY, () -> assertThatThrownBy(() -> victim.decode(bytes)).isInstanceOf(IllegalArgumentException.class));
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated while refusing").isLessThan(ALLOCATION_LIMIT);
    }

    @Test
    void shouldRefuseRandomBytesWhenTheyAreNoSmileDocument() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            assertRefused(bytes);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRefuseRandomBytesWhenTheyFollowAValidHeader(boolean smile) {
        byte[] header = Arrays.copyOf((smile ? smileWriter() : victim).encode("x"), 4);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = Arrays.copyOf(header, 4 + random.nextInt(64));
            byte[] tail = new byte[bytes.length - 4];
            random.nextBytes(tail);
            System.arraycopy(tail, 0, bytes, 4, tail.length);
            try {
                victim.decode(bytes); // some random tails are valid documents: a number, a string
            } catch (IllegalArgumentException expected) {
                // refused, as it should be
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRefuseEveryTruncationWhenAValidPayloadIsCut(boolean smile) {
        byte[] bytes = (smile ? smileWriter() : victim).encode(List.of("user:42", new byte[16], 42L, List.of(new Address("n-1", 3))));
        for (int length = 0; length < bytes.length; length++) {
            assertRefused(Arrays.copyOf(bytes, length));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRefuseTrailingBytesWhenAPayloadIsFollowedByMore(boolean smile) {
        byte[] bytes = (smile ? smileWriter() : victim).encode("ok");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        longer[bytes.length] = smile ? (byte) 0x24 : (byte) Tags.NULL; // a small integer, a null

        assertRefused(longer);
    }

    @Test
    void shouldRefuseNullBytes() {
        assertThatThrownBy(() -> victim.decode(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.io.File", "java.lang.ProcessBuilder", "java.lang.Runtime", "javax.naming.InitialContext",
        "com.sun.rowset.JdbcRowSetImpl", "org.apache.commons.collections.functors.InvokerTransformer",
        "javax.management.BadAttributeValueExpException", "java.net.URL", "#nonsense", ""})
    void shouldRefuseTypeNameWhenItIsNotAllowed(String name) {
        BinaryPayloadCodec attacker = new BinaryPayloadCodec();
        attacker.allow(Payload.class, name.isEmpty() ? "x" : name.replace('#', 'h'));
        byte[] bytes = renameBinary(attacker.encode(new Payload("/etc/passwd")), name.isEmpty() ? "x" : name.replace('#', 'h'), name);

        assertRefused(bytes);
        assertThatThrownBy(() -> victim.decode(bytes)).hasMessageContaining("not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.io.File", "java.lang.ProcessBuilder", "#nonsense", ""})
    void shouldRefuseTypeNameWhenASmilePayloadNamesATypeThatIsNotAllowed(String name) {
        BinaryPayloadCodec attacker = smileWriter();
        attacker.allow(Payload.class, name.isEmpty() ? "x" : name.replace('#', 'h'));
        byte[] bytes = rename(attacker.encode(new Payload("/etc/passwd")), name.isEmpty() ? "x" : name.replace('#', 'h'), name);

        assertRefused(bytes);
        assertThatThrownBy(() -> victim.decode(bytes)).hasMessageContaining("not allowed");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRefuseTypeNameWhenItIsHuge(boolean smile) {
        String name = "a".repeat(1 << 20);
        BinaryPayloadCodec attacker = smile ? smileWriter() : new BinaryPayloadCodec();
        attacker.allow(Payload.class, name);

        assertRefused(attacker.encode(new Payload("/")));
    }

    @Test
    void shouldRefuseValuesWhenTheyAreNestedTooDeep() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Tags.MAGIC);
        out.write(Tags.VERSION);
        for (int i = 0; i < 50_000; i++) {
            out.write(Tags.LIST);
            out.write(1);
        }
        out.write(Tags.NULL);

        assertRefused(out.toByteArray());
        assertThatThrownBy(() -> victim.decode(out.toByteArray())).hasMessageContaining("deeper than " + BinaryFormat.MAX_DEPTH);
    }

    @Test
    void shouldRefuseValuesWhenTheyAreNestedTooDeepInSmile() throws IOException {
        SmileFactory deep = SmileFactory.builder().streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = deep.createGenerator(out)) {
            for (int i = 0; i < 50_000; i++) {
                g.writeStartArray();
                g.writeString("#list");
                g.writeStartArray();
            }
            for (int i = 0; i < 50_000; i++) {
                g.writeEndArray();
                g.writeEndArray();
            }
        }

        assertRefused(out.toByteArray());
    }

    @Test
    void shouldCarryNestedValuesWhenTheyStayWithinTheDepthLimit() {
        Object value = "leaf";
        for (int i = 0; i < BinaryFormat.MAX_DEPTH; i++) {
            value = List.of(value);
        }

        assertThat(victim.decode(victim.encode(value))).isEqualTo(value);
        Object smileValue = "leaf";
        for (int i = 0; i < SmileFormat.MAX_DEPTH / 2 - 1; i++) {
            smileValue = List.of(smileValue);
        }
        assertThat(victim.decode(smileWriter().encode(smileValue))).isEqualTo(smileValue);
    }

    @Test
    void shouldRefuseToEncodeValuesWhenTheyAreNestedTooDeep() {
        Object value = "leaf";
        for (int i = 0; i <= BinaryFormat.MAX_DEPTH; i++) {
            value = List.of(value);
        }
        Object tooDeep = value;

        assertThatThrownBy(() -> victim.encode(tooDeep)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
        assertThatThrownBy(() -> smileWriter().encode(tooDeep)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {Tags.BYTES, Tags.STRING, Tags.LIST, Tags.SET, Tags.MAP})
    void shouldRefuseLengthOrCountWhenItIsHuge(int tag) {
        byte[] hostile = {(byte) Tags.MAGIC, Tags.VERSION, (byte) tag, (byte) 0xF7, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 1, 2, 3};

        assertRefused(hostile);
        assertThatThrownBy(() -> victim.decode(hostile)).hasMessageContaining("bytes left");
    }

    @Test
    void shouldRefuseVarintWhenItNeverEnds() {
        byte[] hostile = {(byte) Tags.MAGIC, Tags.VERSION, Tags.LONG, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0};

        assertRefused(hostile);
        assertThatThrownBy(() -> victim.decode(hostile)).hasMessageContaining("longer than 64 bits");
    }

    @ParameterizedTest
    @ValueSource(ints = {Tags.RECORD_DECLARED, Tags.ENUM_DECLARED, Tags.ARRAY, 20, 0x7F, 0xFF})
    void shouldRefuseTagWhenItCannotStandWhereAnyTypeMay(int tag) {
        byte[] hostile = {(byte) Tags.MAGIC, Tags.VERSION, (byte) tag, 0};

        assertRefused(hostile);
    }

    @Test
    void shouldRefuseFormatVersionWhenItIsNotKnown() {
        assertThatThrownBy(() -> victim.decode(new byte[] {(byte) Tags.MAGIC, 2, Tags.NULL}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
    }

    @Test
    void shouldRefuseComponentWhenItsValueDoesNotMatchItsDeclaredType() {
        victim.allow(Payload.class, "p");
        BinaryPayloadCodec attacker = new BinaryPayloadCodec();
        attacker.allow(Numbered.class, "p");

        byte[] bytes = attacker.encode(new Numbered(42));

        assertRefused(bytes);
        assertThatThrownBy(() -> victim.decode(bytes)).hasMessageContaining(Payload.class.getName() + ".path")
                .hasMessageContaining("where a String must be");
    }

    @Test
    void shouldRefuseComponentWhenItComesTwice() {
        victim.allow(Payload.class, "p");
        byte[] bytes = victim.encode(new Payload("/a"));
        // the body: count 1, name "path", value; make it count 2 and repeat name and value
        int count = indexOf(bytes, new byte[] {1, 4, 'p', 'a', 't', 'h'});
        byte[] component = Arrays.copyOfRange(bytes, count + 1, bytes.length);
        byte[] twice = Arrays.copyOf(bytes, bytes.length + component.length);
        twice[count] = 2;
        System.arraycopy(component, 0, twice, bytes.length, component.length);

        assertRefused(twice);
        assertThatThrownBy(() -> victim.decode(twice)).hasMessageContaining("twice");
    }

    @Test
    void shouldRefuseBinaryWhenItsLengthPrefixIsHugeInSmile() {
        byte[] bytes = smileWriter().encode(new byte[16]);
        int at = indexOf(bytes, new byte[] {(byte) 0xE8, (byte) 0x90}); // 7-bit binary, length 16
        assertThat(at).as("binary token in %s", Arrays.toString(bytes)).isPositive();
        byte[] huge = vint(Integer.MAX_VALUE - 8);
        byte[] hostile = new byte[bytes.length - 1 + huge.length];
        System.arraycopy(bytes, 0, hostile, 0, at + 1);
        System.arraycopy(huge, 0, hostile, at + 1, huge.length);
        System.arraycopy(bytes, at + 2, hostile, at + 1 + huge.length, bytes.length - at - 2);

        assertRefused(hostile);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldRefuseRecordWhenItsConstructorRefusesTheValues(boolean smile) {
        BinaryPayloadCodec attacker = smile ? smileWriter() : new BinaryPayloadCodec();
        attacker.allow(FakeCapability.class, "org.fos.kernel.api.Capability");

        byte[] bytes = attacker.encode(new FakeCapability(new Address("n-1", 1), 99, 1L, 2L));

        assertRefused(bytes);
        assertThatThrownBy(() -> victim.decode(bytes)).hasMessageContaining("invalid rights mask 99");
    }

    @Test
    void shouldRefuseMapWhenItsLastKeyHasNoValue() throws IOException {
        assertRefused(typed("#map", g -> {
            g.writeStartArray();
            g.writeString("lonely key");
            g.writeEndArray();
        }));
    }

    @Test
    void shouldRefuseValueWhenItDoesNotMatchItsTypeName() throws IOException {
        assertRefused(typed("#long", g -> g.writeString("not a number")));
    }

    /** Writes part of a Smile document. */
    private interface Content {
        void writeTo(JsonGenerator g) throws IOException;
    }

    /** Replaces the first occurrence of one short ASCII name in binary-format bytes by another, with its length byte. */
    private static byte[] renameBinary(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, f);
        assertThat(at).as("'%s' in the attacker's bytes", from).isPositive();
        assertThat(bytes[at - 1]).as("length byte of '%s'", from).isEqualTo((byte) f.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at - 1);
        out.write(t.length);
        out.write(t, 0, t.length);
        out.write(bytes, at + f.length, bytes.length - at - f.length);
        return out.toByteArray();
    }

    /** A Smile document {@code [typeName, value]}, as the codec writes values declared {@code Object}. */
    private static byte[] typed(String typeName, Content value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new SmileFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeString(typeName);
            value.writeTo(g);
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /** Replaces the first occurrence of one short ASCII text in Smile bytes by another (same encoding class). */
    private static byte[] rename(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, f);
        assertThat(at).as("'%s' in the attacker's bytes", from).isPositive();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at - 1);
        out.write(t.length == 0 ? 0x20 : 0x40 + t.length - 1); // Smile: tiny ASCII string token (1 to 32 characters), or ""
        out.write(t, 0, t.length);
        out.write(bytes, at + f.length, bytes.length - at - f.length);
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i <= bytes.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Smile's variable-length unsigned int: 7 bits a byte, the last byte marked by its top bit and holding 6 bits. */
    private static byte[] vint(int value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int last = 0x80 | (value & 0x3F);
        int rest = value >>> 6;
        byte[] high = new byte[5];
        int n = 0;
        while (rest != 0) {
            high[n++] = (byte) (rest & 0x7F);
            rest >>>= 7;
        }
        for (int i = n - 1; i >= 0; i--) {
            out.write(high[i]);
        }
        out.write(last);
        return out.toByteArray();
    }
}
