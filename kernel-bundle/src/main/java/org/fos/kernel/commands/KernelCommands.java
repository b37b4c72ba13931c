package org.fos.kernel.commands;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelException;
import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The kernel's Gogo commands, scope {@code fos}. They return data and leave printing to the shell.
 * The shell holds capabilities like any other client: it sends to names, and to the mailboxes it
 * created itself ({@code fos:create}), whose capabilities it keeps.
 */
@Component(service = KernelCommands.class, immediate = true, property = {
        "osgi.command.scope=fos",
        "osgi.command.function=mailboxes",
        "osgi.command.function=names",
        "osgi.command.function=send",
        "osgi.command.function=stat",
        "osgi.command.function=create",
        "osgi.command.function=receive",
        "osgi.command.function=close"})
public final class KernelCommands {

    /** What {@code fos:send} did. */
    public record Receipt(String to, String type, Status status) {
    }

    private final Kernel kernel;
    private final Map<Address, ShellMailbox> own = new ConcurrentHashMap<>();

    private record ShellMailbox(Mailbox mailbox, Registration registration) {
    }

    /**
     * Creates the commands.
     *
     * @param kernel the kernel, as the kernel bundle sees it
     */
    @Activate
    public KernelCommands(@Reference Kernel kernel) {
        this.kernel = kernel;
    }

    @Deactivate
    void deactivate() {
        own.values().forEach(s -> s.mailbox().close());
        own.clear();
    }

    /**
     * Lists the mailboxes of this node.
     *
     * @return one entry a mailbox
     */
    @Descriptor("list the mailboxes of this node: address, label, owner bundle, capacity, depth, counters")
    public List<MailboxInfo> mailboxes() {
        return kernel.mailboxes();
    }

    /**
     * Lists every name.
     *
     * @return one entry a member
     */
    @Descriptor("list every registered name with its members")
    public List<NameEntry> names() {
        return kernel.names().list("/");
    }

    /**
     * Lists the names below a prefix.
     *
     * @param prefix a name
     * @return one entry a member
     */
    @Descriptor("list the names at or below a prefix, with their members")
    public List<NameEntry> names(@Descriptor("a name such as /sys, or / for all") String prefix) {
        return kernel.names().list(prefix);
    }

    /**
     * Shows the node's counters.
     *
     * @return the counters by name
     */
    @Descriptor("show this node's kernel counters, rejections by named error among them")
    public Map<String, Object> stat() {
        KernelStats s = kernel.stats();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node", s.nodeId());
        out.put("mailboxes", s.mailboxes());
        out.put("mailboxesCreated", s.mailboxesCreated());
        out.put("sent", s.sent());
        out.put("received", s.received());
        out.put("forwarded", s.forwarded());
        out.put("capabilities", s.capabilities());
        out.put("names", s.names());
        for (Status status : Status.values()) {
            if (status != Status.OK) {
                out.put(rejectedKey(status), s.rejected(status));
            }
        }
        return out;
    }

    /**
     * Sends a text message.
     *
     * @param select how to pick a member of a name
     * @param timeoutMillis how long to wait while the mailbox is full
     * @param target a name or a shell mailbox's address
     * @param type the message type
     * @param words the payload text
     * @return what was done
     */
    @Descriptor("send a text message to a name, or to a mailbox made with fos:create")
    public Receipt send(
            @Descriptor("how to pick the member of a name: round-robin, least-loaded, local-first or key:<key>")
            @Parameter(names = {"-s", "--select"}, absentValue = "round-robin") String select,
            @Descriptor("milliseconds to wait while the mailbox is full (0: do not wait)")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "0") long timeoutMillis,
            @Descriptor("a name such as /demo/inbox, or the address (node:number) of a mailbox made with fos:create")
            String target,
            @Descriptor("the message type, a short word") String type,
            @Descriptor("the payload text (the words are joined with spaces)") String... words) {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeoutMillis);
        }
        requireType(type);
        Capability to = capabilityFor(target, select);
        Message message = Message.of(to, type, String.join(" ", Arrays.asList(words)));
        Status status = timeoutMillis == 0 ? kernel.send(message) : kernel.send(message, timeoutMillis, TimeUnit.MILLISECONDS);
        if (status != Status.OK) {
            throw new KernelException(status, "send to " + target + " (" + to.address() + ") was refused");
        }
        return new Receipt(to.address().toString(), type, status);
    }

    /**
     * Creates a mailbox the shell owns and publishes it under a name.
     *
     * @param capacity the capacity
     * @param name the name
     * @return the new mailbox
     */
    @Descriptor("create a mailbox owned by the shell and register it under a name, to send to and receive from")
    public MailboxInfo create(
            @Descriptor("how many messages it holds")
            @Parameter(names = {"-c", "--capacity"}, absentValue = "1024") int capacity,
            @Descriptor("the name to register it under, such as /demo/inbox") String name) {
        Names.requireValidName(name);
        Mailbox mailbox = kernel.createMailbox("shell " + name, capacity);
        try {
            Registration registration = kernel.names().register(name, mailbox.capability(), Map.of("owner", "shell"));
            own.put(mailbox.address(), new ShellMailbox(mailbox, registration));
        } catch (RuntimeException e) {
            mailbox.close();
            throw e;
        }
        return info(mailbox.address());
    }

    /**
     * Takes the next message from a shell mailbox.
     *
     * @param timeoutMillis how long to wait
     * @param target the mailbox's name or address
     * @return the message
     * @throws InterruptedException if interrupted while waiting
     */
    @Descriptor("take the next message from a mailbox made with fos:create")
    public Message receive(
            @Descriptor("milliseconds to wait for a message")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "1000") long timeoutMillis,
            @Descriptor("the name or address of a mailbox made with fos:create") String target) throws InterruptedException {
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeoutMillis);
        }
        ShellMailbox box = shellMailbox(target);
        Message m = box.mailbox().receive(timeoutMillis, TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new KernelException(Status.TIMEOUT, "no message arrived in " + target + " within " + timeoutMillis + " ms");
        }
        return m;
    }

    /**
     * Closes a shell mailbox.
     *
     * @param target the mailbox's name or address
     * @return the address of the closed mailbox
     */
    @Descriptor("close a mailbox made with fos:create; its name goes with it")
    public String close(@Descriptor("the name or address of a mailbox made with fos:create") String target) {
        ShellMailbox box = shellMailbox(target);
        own.remove(box.mailbox().address());
        box.mailbox().close();
        return "closed " + box.mailbox().address();
    }

    /** {@code NO_SUCH_NAME} becomes {@code rejectedNoSuchName}. */
    static String rejectedKey(Status status) {
        StringBuilder b = new StringBuilder("rejected");
        for (String word : status.name().split("_")) {
            b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    private MailboxInfo info(Address address) {
        return kernel.mailboxes().stream().filter(i -> i.address().equals(address)).findFirst()
                .orElseThrow(() -> new KernelException(Status.CLOSED, "mailbox " + address + " is gone"));
    }

    private ShellMailbox shellMailbox(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target is missing: give a name such as /demo/inbox or an address node:number");
        }
        if (target.startsWith("/")) {
            Names.requireValidName(target);
            List<ShellMailbox> named = own.values().stream().filter(s -> s.registration().entry().name().equals(target))
                    .sorted(Comparator.comparingLong(s -> s.mailbox().address().mailbox())).toList();
            if (named.isEmpty()) {
                throw new IllegalArgumentException("no mailbox made with fos:create is registered under '" + target + "'");
            }
            if (named.size() > 1) {
                // a send to the name went to one of them: taking from another would say nothing arrived
                throw new IllegalArgumentException(named.size() + " mailboxes made with fos:create are registered under '" + target
                        + "' (" + named.stream().map(s -> s.mailbox().address() + " holds " + info(s.mailbox().address()).depth())
                                .collect(Collectors.joining(", ")) + "); give the address of one");
            }
            return named.get(0);
        }
        ShellMailbox s = own.get(Address.parse(target));
        if (s == null) {
            throw new IllegalArgumentException("mailbox " + target + " was not made with fos:create, so the shell holds no"
                    + " capability for it");
        }
        return s;
    }

    private Capability capabilityFor(String target, String select) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("target is missing: give a name such as /demo/inbox or an address node:number");
        }
        if (target.startsWith("/")) {
            Names.requireValidName(target);
            String s = select.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("key:")) {
                if (s.length() == 4) {
                    throw new IllegalArgumentException("key selection needs a key: key:<key>");
                }
                return kernel.names().resolve(target, Selection.KEY_AFFINITY, select.trim().substring(4));
            }
            Selection selection = switch (s) {
                case "round-robin" -> Selection.ROUND_ROBIN;
                case "least-loaded" -> Selection.LEAST_LOADED;
                case "local-first" -> Selection.LOCAL_FIRST;
                default -> throw new IllegalArgumentException("unknown selection '" + select
                        + "': use round-robin, least-loaded, local-first or key:<key>");
            };
            return kernel.names().resolve(target, selection);
        }
        return shellMailbox(target).mailbox().capability();
    }

    private static void requireType(String type) {
        if (type == null || type.isBlank() || type.length() > 64 || !type.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("invalid message type '" + type + "': use 1 to 64 printable characters without spaces");
        }
    }
}
