package org.fos.codec.impl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * Two versions of a record under one wire name, on two codecs as two nodes of a rolling upgrade
 * would have them (one class loader here, so each version has its own class, allowed under the
 * same explicit wire name).
 */
class SchemaEvolutionTest {

    private static final String WIRE_NAME = "test.Put";

    enum Mode { SYNC }

    record Detail(String note) {
    }

    /** Version 1. */
    record PutV1(String key, long revision) {
    }

    /** Version 2: more components of every kind, one of them a record v1 has never heard of. */
    record PutV2(String key, long revision, String servedBy, int retries, boolean sync, List<String> tags,
            Set<Mode> modes, Map<String, Long> counts, byte[] value, Detail detail, Object extra) {
    }

    private final BinaryPayloadCodec v1 = new BinaryPayloadCodec();
    private final BinaryPayloadCodec v2 = new BinaryPayloadCodec();

    SchemaEvolutionTest() {
        v1.allow(PutV1.class, WIRE_NAME);
        v2.allow(PutV2.class, WIRE_NAME);
    }

    @Test
    void shouldGiveMissingComponentsTheirDefaultsWhenV2ReadsV1Bytes() {
        PutV2 read = (PutV2) v2.decode(v1.encode(new PutV1("user:42", 7L)));

        assertThat(read.key()).isEqualTo("user:42");
        assertThat(read.revision()).isEqualTo(7L);
        assertThat(read.servedBy()).isNull();
        assertThat(read.retries()).isZero();
        assertThat(read.sync()).isFalse();
        assertThat(read.tags()).isEmpty();
        assertThat(read.modes()).isEmpty();
        assertThat(read.counts()).isEmpty();
        assertThat(read.value()).isNull();
        assertThat(read.detail()).isNull();
        assertThat(read.extra()).isNull();
    }

    @Test
    void shouldSkipUnknownComponentsWhenV1ReadsV2Bytes() {
        PutV2 newer = new PutV2("user:42", 7L, "kv-1", 3, true, List.of("a", "b"), Set.of(Mode.SYNC), Map.of("x", 1L),
                new byte[] {1, 2}, new Detail("d"), List.of(new Detail("nested"), 5L));

        Object read = v1.decode(v2.encode(newer));

        assertThat(read).isEqualTo(new PutV1("user:42", 7L));
    }

    @Test
    void shouldUseTheNewestRegistrationUntilItIsClosedWhenANameIsAllowedTwice() throws Exception {
        BinaryPayloadCodec node = new BinaryPayloadCodec();
        node.allow(PutV1.class, WIRE_NAME);
        AutoCloseable newer = node.allow(PutV2.class, WIRE_NAME);
        byte[] bytes = v1.encode(new PutV1("k", 1L));

        assertThat(node.decode(bytes)).isInstanceOf(PutV2.class);
        newer.close();
        assertThat(node.decode(bytes)).isEqualTo(new PutV1("k", 1L));
    }

    @Test
    void shouldReadOlderVersionWhenItWasWrittenInSmileByANodeOfTheFirstFormat() {
        BinaryPayloadCodec smileV1 = new BinaryPayloadCodec();
        smileV1.writeSmile(true);
        smileV1.allow(PutV1.class, WIRE_NAME);

        PutV2 read = (PutV2) v2.decode(smileV1.encode(new PutV1("user:42", 7L)));

        assertThat(read.key()).isEqualTo("user:42");
        assertThat(read.tags()).isEmpty();
        assertThat(smileV1.decode(v2.encode(new PutV2("k", 1L, "kv-1", 3, true, List.of("a"), Set.of(Mode.SYNC), Map.of("x", 1L),
                new byte[] {1}, new Detail("d"), new Detail("e"))))).isEqualTo(new PutV1("k", 1L));
    }
}
