package org.fos.fs.embed;

import java.time.Duration;
import java.util.Objects;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.engine.FsEngine;
import org.fos.fs.peers.FsPeers;
import org.fos.kernel.api.Kernel;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;

/**
 * Makes members of a file-system fleet (ADR 0012) outside OSGi, with the settings a node's
 * {@code org.fos.fs} configuration gives them (docs/embedding.md). The embedder serves each member
 * as the fleet runtime does: a mailbox registered under the fleet's name, a dispatcher of
 * {@link FileSystemFleet} on a thread, and {@code MemberAware.joined} told its identity before it
 * serves (a member implements {@link org.fos.fleet.api.MemberAware}), and the dispatcher of
 * {@link #dispatcher}, which serves the members' private protocol too. The block device fleet the
 * members use must be reachable through the libfos given.
 *
 * <pre>{@code
 * FsMembers members = FsMembers.builder(FileSystemFleet.NAME).device("ram0").members(2);
 * FileSystemFleet first = members.create(libfos, kernel);
 * Dispatcher serving = members.dispatcher(libfos, first);
 * }</pre>
 */
public final class FsMembers {
    private final String fleet;
    private String device = "disk0";
    private boolean format = true;
    private int groups = 4;
    private long callTimeoutMillis = 30_000;
    private int members = 2;

    private FsMembers(String fleet) {
        this.fleet = fleet;
    }

    /**
     * Starts the settings of a file-system fleet's members.
     *
     * @param fleet the fleet's name, such as {@value FileSystemFleet#NAME}
     * @return the settings: device {@code disk0}, format a blank device, 4 groups, 30 s call
     *         timeout, 2 members
     */
    public static FsMembers builder(String fleet) {
        return new FsMembers(Objects.requireNonNull(fleet, "fleet"));
    }

    /**
     * Sets the block device: the members use the fleet {@code /dev/block/<device>}.
     *
     * @param name the device's name, such as {@code ram0}
     * @return these settings
     */
    public FsMembers device(String name) {
        this.device = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Sets whether to make a file system on a blank device (never on one that holds something else).
     *
     * @param blank true to format a blank device
     * @return these settings
     */
    public FsMembers format(boolean blank) {
        this.format = blank;
        return this;
    }

    /**
     * Sets how many groups a new file system gets.
     *
     * @param count the groups
     * @return these settings
     */
    public FsMembers groups(int count) {
        this.groups = count;
        return this;
    }

    /**
     * Sets how long a call to the block device or to another member may take.
     *
     * @param timeout a positive duration
     * @return these settings
     */
    public FsMembers callTimeout(Duration timeout) {
        this.callTimeoutMillis = timeout.toMillis();
        return this;
    }

    /**
     * Sets how many members the fleet has, which the members divide the groups by.
     *
     * @param count the members
     * @return these settings
     */
    public FsMembers members(int count) {
        this.members = count;
        return this;
    }

    /**
     * Makes one member.
     *
     * @param libfos the libfos it calls the device and the other members through
     * @param kernel the kernel as its owner sees it
     * @return the member, to serve with a {@link FileSystemFleet} dispatcher
     * @throws IllegalArgumentException if the groups or the call timeout are not positive
     */
    public FileSystemFleet create(Libfos libfos, Kernel kernel) {
        FsEngine.Settings settings = new FsEngine.Settings(fleet, device, format, groups, callTimeoutMillis);
        return new FsEngine(settings, "embedded " + FsEngine.class.getSimpleName(), Objects.requireNonNull(libfos, "libfos"),
                Objects.requireNonNull(kernel, "kernel"));
    }

    /**
     * Makes the dispatcher a member serves with: its public protocol ({@link FileSystemFleet}) and
     * the members' private one (the methods members call on each other, which need the PEER right),
     * as the fleet runtime dispatches a member of {@code @Fleet(peers = ...)}.
     *
     * @param libfos the libfos of the member's owner
     * @param member a member from {@link #create}
     * @return the dispatcher
     * @throws IllegalArgumentException if the member was not made by {@link #create}
     */
    public Dispatcher dispatcher(Libfos libfos, FileSystemFleet member) {
        if (!(member instanceof FsPeers peers)) {
            throw new IllegalArgumentException(member + " is no member made by FsMembers.create");
        }
        return libfos.dispatcher(FsPeers.class, peers);
    }
}
