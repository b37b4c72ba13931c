package org.fos.testkit.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A network between processes on this machine that a test can partition, without root and without
 * iptables: every participant reaches every other one through TCP proxies of its own, which can
 * black-hole what passes.
 *
 * <p>How (ADR 0070): Linux routes all of 127.0.0.0/8 to the loopback interface. Participant number
 * i (from 1) reaches participant j's port P at {@code 127.0.i.j:P}, where a proxy listens and forwards
 * to {@code 127.0.0.1:P}, on which j listens (explicitly on 127.0.0.1, never on every address).
 * Each participant's JVM resolves names through a hosts file of its own ({@code
 * -Djdk.net.hosts.file}), in which every other participant's host name ({@code <name>.fos.test})
 * stands for the address of their pair; so a node that advertises its host name is reached by each
 * peer through that peer's own proxy. A participant that is dialled by address rather than by name
 * (ZooKeeper, through a connect string per node) gets proxies on a port of their own.
 *
 * <p>A link is a direction from one participant to another. Blocking it holds back what the one
 * sends the other: bytes on existing connections stop (buffered, not lost, as packets a network
 * drops would be sent again), and a new connection either way is held unanswered until the link
 * opens, as a dropped SYN would leave it. {@link #heal()} opens every link and traffic resumes;
 * whether the connections survived is up to the endpoints' own timeouts, as on a real network.
 *
 * <pre>
 * try (FaultyNetwork net = FaultyNetwork.create(folder, List.of("node-a", "node-b", "zookeeper"))) {
 *     net.expose("node-b", 27101);                      // proxies to node-b's port 27101 for everyone else
 *     net.hostsFile("node-a");                          // for node-a's -Djdk.net.hosts.file
 *     net.partition("node-b");                          // node-b cut from the other nodes
 *     net.heal();
 * }
 * </pre>
 *
 * <p>Thread-safe. Closing it closes every proxy and connection.
 */
public final class FaultyNetwork implements AutoCloseable {
    /** The domain of the participants' host names. */
    public static final String DOMAIN = "fos.test";
    /** The most connections one proxy keeps at a time. */
    public static final int MAX_CONNECTIONS_PER_PROXY = 64;
    private static final int MAX_PARTICIPANTS = 250;
    private static final int LOWEST_PORT = 20_000;
    private static final int PORTS = 12_000;
    /** Every port {@link #freePort} chose in this JVM, free or busy when it looked. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final List<String> participants;
    private final Set<String> dialledByAddress = new TreeSet<>();
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final List<LinkProxy> proxies = new ArrayList<>();
    private boolean closed;

    private FaultyNetwork(Path folder, List<String> participants) {
        this.folder = folder;
        this.participants = List.copyOf(participants);
        for (String a : participants) {
            for (String b : participants) {
                if (!a.equals(b)) {
                    links.put(a + "\n" + b, new Link(a, b));
                }
            }
        }
    }

    /**
     * Creates the network and writes each participant's hosts file into {@code folder}.
     *
     * @param folder where the hosts files go (created if missing)
     * @param participants the participants' names, each a valid host name label (letters, digits,
     *        hyphens); their order gives their numbers 1, 2, ...
     * @return the network, with no proxies yet (see {@link #expose})
     * @throws IOException if the files cannot be written
     * @throws IllegalArgumentException if a name is not a host name label, appears twice, or there
     *         are more than 250
     */
    public static FaultyNetwork create(Path folder, List<String> participants) throws IOException {
        if (participants.size() > MAX_PARTICIPANTS) {
            throw new IllegalArgumentException("at most " + MAX_PARTICIPANTS + " participants, not " + participants.size());
        }
        Set<String> seen = new TreeSet<>();
        for (String p : participants) {
            if (p == null || !p.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("participant name '" + p + "' is not a host name label (letters, digits, inner hyphens)");
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("participant '" + p + "' is named twice");
            }
        }
        FaultyNetwork net = new FaultyNetwork(folder.toAbsolutePath(), participants);
        Files.createDirectories(net.folder);
        String system = systemHosts();
        for (String p : participants) {
            StringBuilder s = new StringBuilder("# ").append(p).append("'s view of the fos test network (FaultyNetwork)\n").append(system)
                    .append('\n').append("127.0.0.1 ").append(net.hostName(p)).append('\n');
            for (String other : participants) {
                if (!other.equals(p)) {
                    s.append(net.address(p, other).getHostAddress()).append(' ').append(net.hostName(other)).append('\n');
                }
            }
            Files.writeString(net.hostsFile(p), s, StandardCharsets.UTF_8);
        }
        return net;
    }

    /**
     * The system's hosts file ({@code 127.0.0.1 localhost} where there is none), with a line for this
     * machine's own name if it lacks one: a JVM that resolves through a hosts file asks no other
     * source, and {@code InetAddress.getLocalHost()} needs that name.
     *
     * @return the text of a hosts file
     * @throws IOException if the system's hosts file cannot be read
     */
    public static String systemHosts() throws IOException {
        Path hosts = Path.of("/etc/hosts");
        String text = Files.isReadable(hosts) ? Files.readString(hosts, StandardCharsets.UTF_8) : "127.0.0.1 localhost\n";
        Path hostname = Path.of("/proc/sys/kernel/hostname");
        String name = Files.isReadable(hostname) ? Files.readString(hostname, StandardCharsets.UTF_8).strip() : "";
        if (!name.isEmpty() && !Pattern.compile("(?m)^[^#]*\\s" + Pattern.quote(name) + "(\\s|$)")
                .matcher(text).find()) {
            text = (text.endsWith("\n") ? text : text + "\n") + "127.0.1.1 " + name + "\n";
        }
        return text;
    }

    /**
     * Finds a port that is free on 127.0.0.1, outside the kernel's range for outgoing connections
     * (so that no client connection takes it before the process that is to listen on it starts), and
     * never one this JVM handed out before: a port handed to a node that has not started yet still
     * looks free, and two nodes of one cluster given the same port left one of them unable to start.
     *
     * @return the port
     * @throws IOException if none was found in 200 tries
     */
    public static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = LOWEST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOWEST_PORT + " and " + (LOWEST_PORT + PORTS));
    }

    /**
     * Returns the participants, in number order.
     *
     * @return the names
     */
    public List<String> participants() {
        return participants;
    }

    /**
     * Returns a participant's host name, which it advertises and which others resolve through their
     * hosts files.
     *
     * @param participant the participant
     * @return for example {@code node-a.fos.test}
     */
    public String hostName(String participant) {
        number(participant);
        return participant + "." + DOMAIN;
    }

    /**
     * Returns the hosts file that the participant's JVM resolves names with: give it
     * {@code -Djdk.net.hosts.file=<this path>}.
     *
     * @param participant the participant
     * @return the file
     */
    public Path hostsFile(String participant) {
        number(participant);
        return folder.resolve(participant + ".hosts");
    }

    /**
     * Returns the JVM option that makes a participant's JVM use its hosts file.
     *
     * @param participant the participant
     * @return {@code -Djdk.net.hosts.file=...}
     */
    public String jvmOption(String participant) {
        return "-Djdk.net.hosts.file=" + hostsFile(participant);
    }

    /**
     * Returns the address at which {@code from} reaches {@code to}: {@code 127.0.<from>.<to>}.
     *
     * @param from the dialling participant
     * @param to the dialled one
     * @return the address
     */
    public InetAddress address(String from, String to) {
        int f = number(from);
        int t = number(to);
        if (f == t) {
            throw new IllegalArgumentException(from + " reaches itself directly, not through the network");
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) f, (byte) t});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int number(String participant) {
        int i = participants.indexOf(Objects.requireNonNull(participant, "participant"));
        if (i < 0) {
            throw new IllegalArgumentException("no participant '" + participant + "' in the network; it has " + participants);
        }
        return i + 1;
    }

    /**
     * Starts a proxy, for every other participant, to a port the participant listens on at
     * 127.0.0.1: each other participant reaches it at {@code <hostName(participant)>:port}.
     *
     * @param participant the participant that listens
     * @param port its port
     * @throws IOException if a proxy cannot listen (the port is taken on a pair address)
     * @throws IllegalStateException if the network is closed
     */
    public synchronized void expose(String participant, int port) throws IOException {
        exposeAt(participant, port, port);
    }

    /**
     * Starts proxies to a port of a participant that others dial by address rather than by name
     * (ZooKeeper, whose server listens on every address): each proxy listens on a port of its own,
     * found free, at each pair's address. See {@link #connectString(String, String)}.
     *
     * @param participant the participant that listens
     * @param port its port on 127.0.0.1
     * @return the proxies' port
     * @throws IOException if no proxy port could be found
     */
    public synchronized int exposeByAddress(String participant, int port) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int proxyPort = freePort();
            try {
                exposeAt(participant, port, proxyPort);
                dialledByAddress.add(participant + ":" + port + ":" + proxyPort);
                return proxyPort;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Returns how one participant dials another that was exposed by address.
     *
     * @param from the dialling participant
     * @param to the exposed participant
     * @return {@code 127.0.<from>.<to>:<proxy port>}
     * @throws IllegalStateException if {@code to} was not exposed by address
     */
    public synchronized String connectString(String from, String to) {
        for (String e : dialledByAddress) {
            String[] parts = e.split(":");
            if (parts[0].equals(to)) {
                return address(from, to).getHostAddress() + ":" + parts[2];
            }
        }
        throw new IllegalStateException(to + " was not exposed by address");
    }

    private void exposeAt(String participant, int port, int proxyPort) throws IOException {
        if (closed) {
            throw new IllegalStateException("the network is closed");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535, was " + port);
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<LinkProxy> started = new ArrayList<>();
        try {
            for (String from : participants) {
                if (!from.equals(participant)) {
                    started.add(new LinkProxy(from, participant, new InetSocketAddress(address(from, participant), proxyPort),
                            target, link(from, participant), link(participant, from), MAX_CONNECTIONS_PER_PROXY));
                }
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(LinkProxy::close);
            throw e;
        }
        proxies.addAll(started);
    }

    private Link link(String from, String to) {
        Link l = links.get(from + "\n" + to);
        if (l == null) {
            number(from);
            number(to);
            throw new IllegalArgumentException("no link from " + from + " to itself");
        }
        return l;
    }

    /**
     * Cuts a participant off from every other participant except those named: nothing passes either
     * way (what is in flight waits).
     *
     * @param participant the participant
     * @param except participants it keeps reaching (for example the ZooKeeper server)
     */
    public void partition(String participant, String... except) {
        Set<String> kept = Set.of(except);
        for (String other : participants) {
            if (!other.equals(participant) && !kept.contains(other)) {
                blockBothWays(participant, other);
            }
        }
    }

    /**
     * Splits participants into two sides that do not reach each other; links within a side, and to
     * participants on neither side, stay as they are.
     *
     * @param side one side
     * @param otherSide the other side
     * @throws IllegalArgumentException if a participant is on both sides
     */
    public void partition(Collection<String> side, Collection<String> otherSide) {
        for (String a : side) {
            if (otherSide.contains(a)) {
                throw new IllegalArgumentException(a + " is on both sides of the partition");
            }
            for (String b : otherSide) {
                blockBothWays(a, b);
            }
        }
    }

    /**
     * Holds back what one participant sends another, while what the other sends comes through (a
     * connection between them, needing both ways, cannot be made meanwhile).
     *
     * @param from the participant whose traffic is dropped
     * @param to the participant it no longer reaches
     */
    public void block(String from, String to) {
        link(from, to).block(true);
    }

    /**
     * Opens one direction again.
     *
     * @param from the sending participant
     * @param to the receiving one
     */
    public void unblock(String from, String to) {
        link(from, to).block(false);
    }

    private void blockBothWays(String a, String b) {
        link(a, b).block(true);
        link(b, a).block(true);
    }

    /**
     * Tells whether a direction is blocked.
     *
     * @param from the sending participant
     * @param to the receiving one
     * @return true if what from sends to is held back
     */
    public boolean blocked(String from, String to) {
        return link(from, to).blocked();
    }

    /** Opens every link: held connections are made, held bytes flow. */
    public void heal() {
        links.values().forEach(l -> l.block(false));
    }

    /**
     * Closes every connection carried to or from a participant now (the endpoints see them end); the
     * links stay as they are and new connections can be made.
     *
     * @param participant the participant
     */
    public synchronized void resetConnections(String participant) {
        number(participant);
        for (LinkProxy p : proxies) {
            if (p.touches(participant)) {
                p.resetConnections();
            }
        }
    }

    /**
     * Returns each proxy's connections and traffic, for a test's log.
     *
     * @return one line a proxy
     */
    public synchronized List<String> stats() {
        return proxies.stream().map(LinkProxy::stats).toList();
    }

    /** Closes every proxy and connection; held connections end. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        links.values().forEach(Link::close);
        proxies.forEach(LinkProxy::close);
        proxies.clear();
    }
}
