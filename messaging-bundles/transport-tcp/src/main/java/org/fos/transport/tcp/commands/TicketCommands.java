package org.fos.transport.tcp.commands;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.kernel.api.Right;
import org.fos.kernel.spi.NameStore;
import org.fos.transport.tcp.impl.ClientTicket;
import org.fos.transport.tcp.impl.TcpTransportComponent;
import org.fos.transport.tcp.impl.TicketClaims;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code fos:ticket} command: writes a client ticket that allows some rights on some names until
 * an expiry, for a plain-JVM client (ADR 0082). Every node of the cluster takes the ticket, since its
 * key derives from the cluster secret and its claims, and narrows the client's messages to them.
 * {@code fos:revoke} revokes one. A ticket names this node's endpoint and naming member of its current
 * run, so it ends when the node restarts, whatever its expiry.
 */
@Component(service = TicketCommands.class, immediate = true, property = {
        "osgi.command.scope=fos",
        "osgi.command.function=ticket",
        "osgi.command.function=revoke"})
public final class TicketCommands {
    /** The names a client needs to find fleets and nodes, added to any list of names a ticket allows. */
    static final Set<String> CLIENT_NAMES = Set.of(NameStore.BOOTSTRAP, "/sys/nodes");

    /**
     * A ticket as {@code fos:ticket} wrote it.
     *
     * @param file where it is
     * @param id the ticket's id
     * @param expires when it expires, or {@code never}
     * @param rights the rights it grants, as letters ({@code C} call, {@code A} admin)
     * @param names the names whose members it may call, or {@code [*]} for every name
     */
    public record Issued(String file, String id, String expires, String rights, List<String> names) {
    }

    private final TcpTransportComponent tcp;

    /**
     * Creates the command.
     *
     * @param tcp the TCP transport, which issues tickets
     */
    @Activate
    public TicketCommands(@Reference TcpTransportComponent tcp) {
        this.tcp = tcp;
    }

    /**
     * Writes a client ticket.
     *
     * @param names the names, comma-separated, or empty for every name
     * @param rights the rights
     * @param expires the expiry
     * @param file where to write it
     * @return what was written
     * @throws IOException if the file cannot be written
     */
    @Descriptor("write a client ticket for a plain-JVM client that allows some rights on some names until it expires")
    public Issued ticket(
            @Descriptor("the names whose members the client may call, comma-separated, such as /sys/kv (/sys/names and /sys/nodes"
                    + " are added); every name if not given") @Parameter(names = {"-n", "--names"}, absentValue = "") String names,
            @Descriptor("the rights: call, admin or call,admin (letters C, A)") @Parameter(names = {"-r", "--rights"},
                    absentValue = "call") String rights,
            @Descriptor("how long it is valid, such as 30m, 8h, 7d or PT1H, or never; it also ends when this node restarts")
            @Parameter(names = {"-e", "--expires"}, absentValue = "1d") String expires,
            @Descriptor("the file to write, readable by its owner only") String file) throws IOException {
        Path target;
        try {
            target = Path.of(file).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + file + "' is not a file path: " + e.getMessage(), e);
        }
        int mask = Right.parse(rights);
        if ((mask & ~TicketClaims.GRANTABLE) != 0) {
            throw new IllegalArgumentException("a ticket grants call, admin or both; '" + rights + "' asks for "
                    + Right.letters(mask & ~TicketClaims.GRANTABLE) + " besides");
        }
        Set<String> allowed = new TreeSet<>();
        if (!names.isBlank()) {
            for (String n : names.split(",")) {
                if (!n.isBlank()) {
                    allowed.add(n.trim());
                }
            }
            allowed.addAll(CLIENT_NAMES);
        }
        Instant until = expiry(expires, Instant.now());
        ClientTicket ticket = tcp.issue(until, mask, allowed);
        ticket.write(target);
        TicketClaims claims = TicketClaims.parse(ticket.claims());
        return new Issued(target.toString(), claims.id(), until == null ? "never" : until.toString(), Right.letters(claims.rights()),
                allowed.isEmpty() ? List.of("*") : List.copyOf(allowed));
    }

    /**
     * Revokes a ticket for the whole cluster.
     *
     * @param id the ticket's id
     * @param reason why
     * @return the revocation as stored
     */
    @Descriptor("revoke a client ticket for the whole cluster: every node refuses it from now on, saying why")
    public String revoke(@Descriptor("the ticket's id, 16 hexadecimal digits, as fos:ticket showed it") String id,
            @Descriptor("why, told to the clients it refuses") String... reason) {
        if (reason.length == 0) {
            throw new IllegalArgumentException("give a reason: fos:revoke <ticket id> <reason>");
        }
        return "ticket " + id + " revoked: " + tcp.revoke(id, String.join(" ", reason));
    }

    /**
     * Reads an expiry: {@code never}, an ISO-8601 duration ({@code PT1H}, {@code P7D}), or a number with
     * {@code s}, {@code m}, {@code h} or {@code d}.
     *
     * @param text the text
     * @param now the time now
     * @return when the ticket expires, or null for never
     * @throws IllegalArgumentException naming what is wrong
     */
    static Instant expiry(String text, Instant now) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("never")) {
            return null;
        }
        Duration d;
        try {
            if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else {
                if (t.length() < 2) {
                    throw new IllegalArgumentException("expiry '" + text + "': give a number and s, m, h or d (30m), an ISO-8601 duration"
                            + " (PT1H) or never");
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> throw new IllegalArgumentException("expiry '" + text + "': the unit must be s, m, h or d");
                };
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("expiry '" + text + "': give a number and s, m, h or d (30m), an ISO-8601 duration"
                    + " (PT1H) or never", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("expiry '" + text + "' is not in the future");
        }
        return now.plus(d);
    }
}
