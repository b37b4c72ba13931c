package org.fos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What ADR 0007 says about each candidate, checked: every codec carries every benchmark message
 * unchanged, and the libraries are tried on schema evolution (v1 and v2 of a record under one wire
 * name, in two codec instances as two nodes would have) and on a name that is not allowed.
 */
class CandidatesTest {

    /** Version 1 of a record. */
    record KvV1(String key, long revision) {
    }

    /** Version 2: one more component. */
    record KvV2(String key, long revision, String servedBy) {
    }

    /** A type the reader does not allow. */
    record Forbidden(String path) {
    }

    private static final String WIRE_NAME = "test.Kv";

    static Stream<Arguments> codecsAndMessages() {
        return Stream.of(Candidates.NAMES).flatMap(c -> Stream.of(Messages.Kind.values()).map(k -> Arguments.of(c, k)));
    }

    @ParameterizedTest
    @MethodSource("codecsAndMessages")
    void shouldCarryEveryMessageUnchangedWhenRoundTripped(String codec, Messages.Kind kind) {
        Candidate candidate = Candidates.create(codec);
        Object payload = kind.sample();

        Object copy = candidate.decode(candidate.encode(payload));

        assertThat(copy).usingRecursiveComparison().isEqualTo(payload);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jacksonSmile", "jacksonCbor", "fory", "foryInterpreted"})
    void shouldReadOlderAndNewerRecordVersionsWhenLibraryEvolvesByName(String codec) {
        Candidate v1 = Candidates.create(codec, Map.of(WIRE_NAME, KvV1.class));
        Candidate v2 = Candidates.create(codec, Map.of(WIRE_NAME, KvV2.class));

        assertThat(v2.decode(v1.encode(new KvV1("user:42", 7L)))).isEqualTo(new KvV2("user:42", 7L, null));
        assertThat(v1.decode(v2.encode(new KvV2("user:42", 7L, "kv-1")))).isEqualTo(new KvV1("user:42", 7L));
    }

    @ParameterizedTest
    @ValueSource(strings = "kryo")
    void shouldFailOnOlderBytesWhenRecordsAreWrittenByPosition(String codec) {
        Candidate v1 = Candidates.create(codec, Map.of(WIRE_NAME, KvV1.class));
        Candidate v2 = Candidates.create(codec, Map.of(WIRE_NAME, KvV2.class));

        byte[] v1Bytes = v1.encode(new KvV1("user:42", 7L));

        assertThatThrownBy(() -> v2.decode(v1Bytes)).isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jacksonSmile", "jacksonCbor", "kryo", "fory", "foryInterpreted"})
    void shouldRefuseBytesWhenTheyNameATypeTheReaderDoesNotAllow(String codec) {
        Candidate writer = Candidates.create(codec, Map.of(Forbidden.class.getName(), Forbidden.class));
        Candidate reader = Candidates.create(codec, Map.of(WIRE_NAME, KvV1.class));

        byte[] bytes = writer.encode(new Forbidden("/etc/passwd"));

        assertThatThrownBy(() -> reader.decode(bytes)).isInstanceOf(RuntimeException.class);
    }
}
