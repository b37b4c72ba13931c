package org.fos.replication.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Raft in plain text only where nobody else reaches it, unless the operator says the network is the cluster's own. */
class SettingsTest {

    private static Settings settings(String host, boolean tls, boolean plainTextOnNetwork) {
        String store = tls ? "/nonexistent/node.p12" : "";
        return new Settings(host, 0, "", Path.of("target/settings-test"), 500, 1_000, 6_000, 3_000, 300, 300, 40, 600_000, 10_000, tls,
                store, "", "PKCS12", store, "", "PKCS12", plainTextOnNetwork, java.util.Set.of());
    }

    @Test
    void plainTextOnLoopbackIsAllowed() {
        assertEquals("127.0.0.1", settings("127.0.0.1", false, false).host());
        assertEquals("localhost", settings("localhost", false, false).host());
        assertEquals("::1", settings("::1", false, false).host());
    }

    @Test
    void plainTextOnEveryInterfaceIsRefusedWithTheWayOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("0.0.0.0", false, false));
        assertTrue(e.getMessage().contains("host=0.0.0.0 without tls") && e.getMessage().contains("tls=true")
                && e.getMessage().contains("plainTextOnNetwork=true"), e.getMessage());
    }

    @Test
    void plainTextOnAnUnknownHostIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> settings("no-such-host.invalid", false, false));
    }

    @Test
    void tlsOrTheOperatorsWordAllowsOtherAddresses() {
        assertTrue(settings("0.0.0.0", true, false).tls());
        assertEquals("0.0.0.0", settings("0.0.0.0", false, true).host());
    }
}
