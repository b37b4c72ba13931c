package org.fos.codec.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;
import org.junit.jupiter.api.Test;

class BinaryPayloadCodecTest {

    enum Colour { RED, GREEN { @Override public String toString() { return "green"; } } }

    record Line(String item, int quantity) {
    }

    record Order(String id, Colour colour, List<Line> lines, Map<String, Long> counts, Set<Colour> colours, byte[] blob,
            Line[] extra, Object any, int n, boolean flag, Capability capability, Map<Line, List<Object>> byLine) {
    }

    record Flagged(String name) {
        public boolean isEmpty() {
            return name.isEmpty();
        }

        public String getShout() {
            return name.toUpperCase();
        }
    }

    record Secret(String value) {
    }

    record HoldsFile(String name, File file) {
    }

    record HoldsFiles(List<File> files) {
    }

    private final BinaryPayloadCodec codec = new BinaryPayloadCodec();

    private Object roundTrip(Object payload) {
        return codec.decode(codec.encode(payload));
    }

    @Test
    void shouldCarryBuiltInsWhenNothingIsAllowed() {
        Capability cap = new Capability(new Address("n-1", 17), Right.SEND.bit(), 1L, 2L);
        List<Object> values = Arrays.asList(null, "text", 42, 42L, (short) 7, (byte) 8, 1.5f, 2.5d, true, 'c',
                Long.MAX_VALUE, Integer.MIN_VALUE, "", cap, cap.address());
        for (Object v : values) {
            assertThat(roundTrip(v)).as("%s", v).isEqualTo(v);
            assertThat(roundTrip(v) == null ? null : roundTrip(v).getClass()).as("type of %s", v).isEqualTo(v == null ? null : v.getClass());
        }
        assertThat((byte[]) roundTrip(new byte[] {1, 2, 3})).containsExactly(1, 2, 3);
    }

    @Test
    void shouldKeepElementTypesWhenCollectionsHoldObjects() {
        List<Object> list = Arrays.asList(1, 2L, "3", null, List.of((short) 4), Map.of(5, 6L));
        Map<Object, Object> map = new HashMap<>();
        map.put(1, "one");
        map.put(2L, List.of("two"));
        map.put("three", null);

        assertThat(roundTrip(list)).isEqualTo(list);
        assertThat(roundTrip(Set.of(1, 2L, "x"))).isEqualTo(Set.of(1, 2L, "x"));
        assertThat(roundTrip(map)).isEqualTo(map);
    }

    @Test
    void shouldDecodeUnmodifiableCopiesWhenPayloadHoldsCollections() {
        List<Object> list = new ArrayList<>(List.of("a"));
        Object decodedList = roundTrip(list);
        Object decodedSet = roundTrip(Set.of("a"));
        Object decodedMap = roundTrip(Map.of("a", 1));

        assertThatThrownBy(() -> ((List<?>) decodedList).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Set<?>) decodedSet).clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<?, ?>) decodedMap).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldCarryAllowedRecordWhenItNestsRecordsEnumsArraysAndCollections() {
        codec.allow(Order.class);
        Capability cap = new Capability(new Address("n-1", 3), Right.ALL_BITS, -1L, 5L);
        Order order = new Order("o-1", Colour.GREEN, List.of(new Line("pen", 2)), Map.of("pens", 2L), Set.of(Colour.RED),
                new byte[] {9}, new Line[] {new Line("ink", 1)}, new Line("any", 0), 7, true, cap,
                Map.of(new Line("k", 1), List.of(Colour.GREEN, 3L)));

        Order copy = (Order) roundTrip(order);

        assertThat(copy).usingRecursiveComparison().isEqualTo(order);
        assertThat(copy.lines()).isUnmodifiable();
        assertThat(copy.colours()).isUnmodifiable();
    }

    @Test
    void shouldCarryOnlyComponentsWhenRecordHasGetterLikeMethods() {
        codec.allow(Flagged.class);

        byte[] bytes = codec.encode(new Flagged("x"));

        assertThat(codec.decode(bytes)).isEqualTo(new Flagged("x"));
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("shout").doesNotContain("empty");
    }

    @Test
    void shouldRefuseToEncodeWhenTypeIsNotAllowed() {
        assertThatThrownBy(() -> codec.encode(new Secret("s")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Secret.class.getName()).hasMessageContaining("not allowed");
        assertThatThrownBy(() -> codec.encode(List.of(new File("/etc/passwd"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.io.File");
    }

    @Test
    void shouldRefuseToAllowWhenTypeIsNeitherRecordNorEnum() {
        assertThatThrownBy(() -> codec.allow(File.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.io.File").hasMessageContaining("only records and enums");
    }

    @Test
    void shouldNameTheComponentWhenItsTypeCannotBeCarried() {
        assertThatThrownBy(() -> codec.allow(HoldsFile.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(HoldsFile.class.getName() + ".file").hasMessageContaining("java.io.File");
        assertThatThrownBy(() -> codec.allow(HoldsFiles.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(HoldsFiles.class.getName() + ".files");
    }

    @Test
    void shouldRefuseTypeWhenItsRegistrationIsClosed() throws Exception {
        AutoCloseable registration = codec.allow(Secret.class);
        byte[] bytes = codec.encode(new Secret("s"));

        registration.close();

        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Secret.class.getName());
        assertThatThrownBy(() -> codec.encode(new Secret("s"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepTypeWhenAnotherRegistrationStillHoldsIt() throws Exception {
        AutoCloseable first = codec.allow(Order.class);
        codec.allow(Line.class);

        first.close();
        first.close();

        assertThat(roundTrip(new Line("pen", 1))).isEqualTo(new Line("pen", 1));
        assertThatThrownBy(() -> codec.encode(new Order("o", null, null, null, null, null, null, null, 0, false, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldEncodeAndDecodeFromManyThreadsWhenAllowListChanges() throws Exception {
        codec.allow(Line.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        Line line = new Line("item-" + id, i);
                        assertThat(roundTrip(List.of(line, i))).isEqualTo(List.of(line, i));
                    }
                }));
            }
            for (int i = 0; i < 50; i++) {
                codec.allow(Secret.class).close();
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldWriteTheBinaryFormatAndReadSmileWhenANodeOfTheFirstFormatSendsIt() {
        codec.allow(Order.class);
        BinaryPayloadCodec older = new BinaryPayloadCodec();
        older.writeSmile(true);
        older.allow(Order.class);
        Order order = new Order("o-1", Colour.RED, List.of(new Line("pen", 2)), Map.of("pens", 2L), Set.of(Colour.GREEN),
                new byte[] {9}, new Line[] {new Line("ink", 1)}, List.of(1, "two"), 7, true, null, Map.of());

        byte[] binary = codec.encode(order);
        byte[] smile = older.encode(order);

        assertThat(binary[0]).isEqualTo((byte) Tags.MAGIC);
        assertThat(smile[0]).isEqualTo(SmileFormat.FIRST_BYTE);
        assertThat(codec.decode(smile)).usingRecursiveComparison().isEqualTo(order);
        assertThat(older.decode(binary)).usingRecursiveComparison().isEqualTo(order);
    }

    @Test
    void shouldKeepItsFormatWhenConfiguredWithAnUnknownOne() {
        BinaryPayloadCodec.Config typo = new BinaryPayloadCodec.Config() {
            @Override
            public String format() {
                return "smiel";
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return BinaryPayloadCodec.Config.class;
            }
        };

        codec.configure(typo);
        assertThat(codec.encode("x")[0]).isEqualTo((byte) Tags.MAGIC);
        codec.writeSmile(true);
        codec.configure(typo);
        assertThat(codec.encode("x")[0]).isEqualTo(SmileFormat.FIRST_BYTE);
    }

    @Test
    void shouldWidenOrNarrowNumbersWhenTheyFitTheDeclaredType() {
        codec.allow(Line.class, "line");
        BinaryPayloadCodec other = new BinaryPayloadCodec();
        other.allow(WideLine.class, "line");

        assertThat(codec.decode(other.encode(new WideLine("pen", 3L)))).isEqualTo(new Line("pen", 3));
        assertThatThrownBy(() -> codec.decode(other.encode(new WideLine("pen", 1L << 40))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Line.class.getName() + ".quantity");
        assertThat(other.decode(codec.encode(new Line("pen", 3)))).isEqualTo(new WideLine("pen", 3L));
    }

    record WideLine(String item, long quantity) {
    }

    @Test
    void shouldCarryRecordWhenItComesFromAnotherClassLoader() throws Exception {
        Class<?> foreign = new ClassLoader(null) { // sees java.* only, like a bundle that does not import the codec
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                try (java.io.InputStream in = BinaryPayloadCodecTest.class.getResourceAsStream("ForeignLine.class")) {
                    if (!name.equals(ForeignLine.class.getName()) || in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }.loadClass(ForeignLine.class.getName());
        assertThat(foreign).isNotEqualTo(ForeignLine.class);
        codec.allow(foreign);
        java.lang.reflect.Constructor<?> make = foreign.getDeclaredConstructor(String.class, long.class);
        make.setAccessible(true);
        Object line = make.newInstance("pen", 3L);

        Object copy = roundTrip(List.of(line, line));

        assertThat(copy).isEqualTo(List.of(line, line));
        assertThat(((List<?>) copy).get(0).getClass()).isSameAs(foreign);
    }

    /** A record whose accessor encodes on the same thread, in the middle of its own encoding. */
    record Nosy(String name) {
        static BinaryPayloadCodec codec;

        @Override
        public String name() {
            codec.encode(List.of("another payload", 42L, new byte[300]));
            return name;
        }
    }

    @Test
    void shouldKeepBothPayloadsWhenAnAccessorEncodesDuringAnEncoding() {
        Nosy.codec = codec;
        codec.allow(Nosy.class);

        byte[] bytes = codec.encode(List.of(new Nosy("outer"), "after"));

        assertThat(codec.decode(bytes)).isEqualTo(List.of(new Nosy("outer"), "after"));
    }
}
