package org.fos.transport.tcp.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Right;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTicketTest {

    private static final Capability NAMES = new Capability(new Address("n-1", 8), Right.SEND.bit(), 0x0123456789abcdefL,
            0xfedcba9876543210L);

    @TempDir
    Path dir;

    @Test
    void shouldReadBackWhatItWroteIntoAFileOnlyItsOwnerReads() throws IOException {
        ClientTicket ticket = new ClientTicket("n-1", "127.0.0.1:7101", "dev", true, NAMES);
        Path file = dir.resolve("data/client.ticket");

        ticket.write(file);
        ticket.write(file);

        assertThat(ClientTicket.read(file)).isEqualTo(ticket);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void shouldRefuseACapabilityWithReceiveOrGrantOrWithoutSendOrForAnotherNode() {
        Capability granting = new Capability(new Address("n-1", 8), Right.SEND.bit() | Right.GRANT.bit(), 1, 2);
        assertThatThrownBy(() -> new ClientTicket("n-1", "127.0.0.1:7101", "dev", false, granting))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither receive nor grant");
        Capability callOnly = new Capability(new Address("n-1", 8), Right.CALL.bit(), 1, 2);
        assertThatThrownBy(() -> new ClientTicket("n-1", "127.0.0.1:7101", "dev", false, callOnly))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must carry send");
        Capability member = new Capability(new Address("n-1", 8), Right.mask(java.util.EnumSet.of(Right.SEND, Right.CALL, Right.PEER,
                Right.ADMIN)), 1, 2);
        assertThat(new ClientTicket("n-1", "127.0.0.1:7101", "dev", false, member).names()).isEqualTo(member);
        assertThatThrownBy(() -> new ClientTicket("n-2", "127.0.0.1:7101", "dev", false, NAMES))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the naming capability is for node n-1, not n-2");
        assertThatThrownBy(() -> new ClientTicket("n-1", "no port", "dev", false, NAMES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameWhatIsWrongWithABadTicket() throws IOException {
        Path file = dir.resolve("client.ticket");
        new ClientTicket("n-1", "127.0.0.1:7101", "dev", false, NAMES).write(file);
        String good = Files.readString(file);

        assertThatThrownBy(() -> ClientTicket.read(dir.resolve("none.ticket"))).isInstanceOf(NoSuchFileException.class);
        assertBad(file, good.replaceAll("names.token=\\w+", "names.token=abc"), "names.token must be 32 hexadecimal digits");
        assertBad(file, good.replaceAll("names.token=\\w+", "names.token=" + "z".repeat(32)), "names.token must be 32 hexadecimal digits");
        assertBad(file, good.replace("names.mailbox=8", "names.mailbox=eight"), "names.mailbox must be a number, was 'eight'");
        assertBad(file, good.replace("names.mailbox=8", "names.mailbox=0"), "mailbox number must be at least 1, was 0");
        assertBad(file, good.replace("tls=false", "tls=maybe"), "tls must be true or false, was 'maybe'");
        assertBad(file, good.replaceAll("(?m)^node=.*$", ""), "it has no node");
        assertBad(file, good.replaceAll("(?m)^endpoint=.*$", "endpoint=127.0.0.1\\\\:99999"), "needs a host and a port from 1 to 65535");
        assertBad(file, "random \\uZZZZ bytes", "malformed");
    }

    @Test
    void shouldCarryTheClaimsAndKeyOfANodeWithASecret() throws IOException {
        byte[] raw = new byte[32];
        java.util.Arrays.fill(raw, (byte) 7);
        org.fos.transport.api.ClusterSecret secret = org.fos.transport.api.ClusterSecret.of(raw);
        TicketClaims claims = TicketClaims.issue(null);
        ClientTicket ticket = new ClientTicket("n-1", "127.0.0.1:7101", "dev", false, NAMES, claims.text(),
                claims.key(secret, "dev").toHex());
        Path file = dir.resolve("client.ticket");
        ticket.write(file);

        ClientTicket read = ClientTicket.read(file);
        assertThat(read).isEqualTo(ticket);
        assertThat(read.credentials().key().fingerprint()).isEqualTo(claims.key(secret, "dev").fingerprint());
        String good = Files.readString(file);
        assertBad(file, good.replaceAll("(?m)^ticket.key=.*$", ""), "it has ticket.claims but no ticket.key");
        assertBad(file, good.replaceAll("(?m)^ticket.claims=.*$", "ticket.claims=id\\=12"), "16 hexadecimal digits");
    }

    @Test
    void shouldNameATicketThatIsNotUtf8() throws IOException {
        Path file = dir.resolve("client.ticket");
        Files.write(file, new byte[] {'n', 'o', 'd', 'e', '=', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> ClientTicket.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("client ticket " + file).hasMessageContaining("not UTF-8");
    }

    private static void assertBad(Path file, String text, String message) throws IOException {
        Files.writeString(file, text);
        assertThatThrownBy(() -> ClientTicket.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("client ticket " + file).hasMessageContaining(message);
    }
}
