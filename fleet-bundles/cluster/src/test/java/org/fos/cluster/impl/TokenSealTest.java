package org.fos.cluster.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.transport.api.ClusterSecret;
import org.junit.jupiter.api.Test;

class TokenSealTest {
    private static final ClusterSecret SECRET = ClusterSecret.ofHex("01".repeat(32));
    private static final NameEntry ENTRY = new NameEntry("/sys/kv", new Capability(new Address("node-a", 7), 1, 11, 22), 3,
            Map.of("member", "0"));

    @Test
    void shouldOpenWhatItSealedUnderTheSameSecretAndCluster() {
        TokenSeal seal = new TokenSeal(SECRET, "dev");
        assertThat(EntryCodec.entry(EntryCodec.entry(ENTRY, seal), new TokenSeal(SECRET, "dev"))).isEqualTo(ENTRY);
    }

    @Test
    void shouldNotOpenUnderAnotherSecretOrCluster() {
        byte[] written = EntryCodec.entry(ENTRY, new TokenSeal(SECRET, "dev"));
        assertThatThrownBy(() -> EntryCodec.entry(written, new TokenSeal(ClusterSecret.ofHex("02".repeat(32)), "dev")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not open with this cluster's secret");
        assertThatThrownBy(() -> EntryCodec.entry(written, new TokenSeal(SECRET, "prod")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not open");
    }

    @Test
    void shouldNotOpenAnEntryMovedToAnotherMailboxNameOrRights() {
        TokenSeal seal = new TokenSeal(SECRET, "dev");
        String text = new String(EntryCodec.entry(ENTRY, seal), java.nio.charset.StandardCharsets.UTF_8);
        for (String changed : new String[] {text.replace("mailbox=7", "mailbox=8"), text.replace("rights=1", "rights=7"),
                text.replace("name=/sys/kv", "name=/sys/fs"), text.replace("node=node-a", "node=node-b")}) {
            assertThat(changed).isNotEqualTo(text);
            assertThatThrownBy(() -> EntryCodec.entry(changed.getBytes(java.nio.charset.StandardCharsets.UTF_8), seal))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> EntryCodec.entry(text.replaceAll("sealed=.*", "sealed=AAAA").getBytes(
                java.nio.charset.StandardCharsets.UTF_8), seal)).hasMessageContaining("has 3 bytes");
        assertThatThrownBy(() -> EntryCodec.entry(text.replaceAll("(?m)^sealed=.*$", "").getBytes(
                java.nio.charset.StandardCharsets.UTF_8), seal)).hasMessageContaining("lacks 'sealed'");
    }
}
