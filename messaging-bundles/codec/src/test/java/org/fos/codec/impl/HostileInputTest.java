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

    /** The shape of a kernel capability, with fields the real one refuses. */
    record FakeCapability(Address address, int rights, long tokenHigh, long tokenLow) {
    }

    private final SmilePayloadCodec victim = new SmilePayloadCodec();

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

    @Test
    void shouldRefuseRandomBytesWhenTheyFollowAValidHeader() {
        byte[] header = Arrays.copyOf(victim.encode("x"), 4);
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

    @Test
    void shouldRefuseEveryTruncationWhenAValidPayloadIsCut() {
        byte[] bytes = victim.encode(List.of("user:42", new byte[16], 42L, List.of(new Address("n-1", 3))));
        for (int length = 0; length < bytes.length; length++) {
            assertRefused(Arrays.copyOf(bytes, length));
        }
    }

    @Test
    void shouldRefuseTrailingBytesWhenAPayloadIsFollowedByMore() {
        byte[] bytes = victim.encode("ok");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        longer[bytes.length] = (byte) 0x24; // a small integer

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
        SmilePayloadCodec attacker = new SmilePayloadCodec();
        attacker.allow(Payload.class, name.isEmpty() ? "x" : name.replace('#', 'h'));
        byte[] bytes = rename(attacker.encode(new Payload("/etc/passwd")), name.isEmpty() ? "x" : name.replace('#', 'h'), name);

        assertRefused(bytes);
        assertThatThrownBy(() -> victim.decode(bytes)).hasMessageContaining("not allowed");
    }

    @Test
    void shouldRefuseTypeNameWhenItIsHuge() {
        String name = "a".repeat(1 << 20);
        SmilePayloadCodec attacker = new SmilePayloadCodec();
        attacker.allow(Payload.class, name);

        assertRefused(attacker.encode(new Payload("/")));
    }

    @Test
    void shouldRefuseValuesWhenTheyAreNestedTooDeep() throws IOException {
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
        for (int i = 0; i < SmilePayloadCodec.MAX_DEPTH / 2 - 1; i++) {
            value = List.of(value);
        }

        assertThat(victim.decode(victim.encode(value))).isEqualTo(value);
    }

    @Test
    void shouldRefuseToEncodeValuesWhenTheyAreNestedTooDeep() {
        Object value = "leaf";
        for (int i = 0; i < SmilePayloadCodec.MAX_DEPTH; i++) {
            value = List.of(value);
        }
        Object tooDeep = value;

        assertThatThrownBy(() -> victim.encode(tooDeep)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseBinaryWhenItsLengthPrefixIsHuge() {
        byte[] bytes = victim.encode(new byte[16]);
        int at = indexOf(bytes, new byte[] {(byte) 0xE8, (byte) 0x90}); // 7-bit binary, length 16
        assertThat(at).as("binary token in %s", Arrays.toString(bytes)).isPositive();
        byte[] huge = vint(Integer.MAX_VALUE - 8);
        byte[] hostile = new byte[bytes.length - 1 + huge.length];
        System.arraycopy(bytes, 0, hostile, 0, at + 1);
        System.arraycopy(huge, 0, hostile, at + 1, huge.length);
        System.arraycopy(bytes, at + 2, hostile, at + 1 + huge.length, bytes.length - at - 2);

        assertRefused(hostile);
    }

    @Test
    void shouldRefuseRecordWhenItsConstructorRefusesTheValues() {
        SmilePayloadCodec attacker = new SmilePayloadCodec();
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
