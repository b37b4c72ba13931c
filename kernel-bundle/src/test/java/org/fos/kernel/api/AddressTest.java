package org.fos.kernel.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AddressTest {

    @Test
    void shouldTakeExactlyTheNodeIdsThePatternDescribes() {
        List<String> ids = new ArrayList<>(List.of("a", "n-3fa2c1d0", "node_1.b", "Z9", "x".repeat(63), "x".repeat(64), "", "-a", ".a",
                "_a", "a:b", "a b", "ä", "a/", "a\u0000"));
        Random random = new Random(42);
        String alphabet = "aZ09._-:/ \u00e9\u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder id = new StringBuilder();
            int length = random.nextInt(70);
            for (int j = 0; j < length; j++) {
                id.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : (char) ('a' + random.nextInt(26)));
            }
            ids.add(id.toString());
        }
        for (String id : ids) {
            assertThat(Address.isValidNodeId(id)).as("'%s'", id).isEqualTo(Address.NODE_ID.matcher(id).matches());
        }
        assertThat(Address.isValidNodeId(null)).isFalse();
    }

    @Test
    void shouldRefuseAnAddressOfAnInvalidNodeWithTheRule() {
        assertThatThrownBy(() -> new Address("-x", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid node id '-x'").hasMessageContaining("starting with a letter or digit");
        assertThat(Address.parse("n-1:17")).isEqualTo(new Address("n-1", 17));
    }
}
