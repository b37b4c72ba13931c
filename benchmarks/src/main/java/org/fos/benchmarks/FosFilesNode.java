package org.fos.benchmarks;

import java.nio.file.FileSystem;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fos.block.api.BlockDevice;
import org.fos.block.ram.RamBlockDevice;
import org.fos.fleet.api.Fleet;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeaseHolder;
import org.fos.fs.client.FleetConnector;
import org.fos.fs.client.FosFileSystemProvider;
import org.fos.fs.client.LeaseCallbacks;
import org.fos.fs.embed.FsMembers;

/**
 * A node's files outside OSGi, set up as the distribution sets them up but on a RAM device: the
 * block device fleet {@value #DEVICE} (one member, {@link RamBlockDevice}), the file-system fleet
 * {@value FileSystemFleet#NAME} on it ({@value #MEMBERS} members from {@link FsMembers}, {@value #GROUPS} groups,
 * formatted on first use), and the {@code fos:} provider ({@link FosFileSystemProvider}) of a client
 * bundle, reaching the fleet through libfos and caching under the members' leases (its callback
 * mailbox on the clients' kernel) as {@code OsgiFosFiles} does. One kernel, default settings.
 */
final class FosFilesNode implements AutoCloseable {

    /** The device's fleet name. */
    static final String DEVICE = "/dev/block/ram0";
    /** Members of the file-system fleet, as in the distribution. */
    static final int MEMBERS = 2;
    /** Groups of the new file system, as in the distribution. */
    static final int GROUPS = 4;
    private static final long BLOCKS = 16_384;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final LocalFleet fleets = new LocalFleet(FileSystemFleet.NAME);
    private final FileSystem fileSystem;

    /** Starts the device, the file-system fleet and the provider. */
    FosFilesNode() {
        fleets.addFleet(DEVICE, BlockDevice.class, List.of(new RamBlockDevice(
                Configs.of(RamBlockDevice.Config.class, Map.of("blockSize", 4096, "blockCount", BLOCKS)), Map.of(Fleet.NAME, DEVICE))));
        FsMembers settings = FsMembers.builder(FileSystemFleet.NAME).device(DEVICE.substring(BlockDevice.NAME_PREFIX.length()))
                .groups(GROUPS).format(true).members(MEMBERS);
        FileSystemFleet[] members = new FileSystemFleet[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            members[i] = settings.create(fleets.serverLibfos(), fleets.serverKernel());
        }
        fleets.addFleet(FileSystemFleet.NAME, List.of(members), member -> settings.dispatcher(fleets.serverLibfos(), member));
        FosFileSystemProvider provider = new FosFileSystemProvider(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String fleet) {
                // as OsgiFosFiles: the options of a fleet proxy inside a node
                return fleets.clientLibfos().proxy(FileSystemFleet.class, fleet, FleetConnector.inNode(TIMEOUT.toMillis()));
            }

            @Override
            public LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
                // as OsgiFosFiles: the members revoke the client's cached leases through this mailbox
                return new LeaseCallbacks(fleets.clientKernel(), fleets.clientLibfos(), holder, "fos: leases " + fleet);
            }
        }, TIMEOUT.toMillis());
        fileSystem = provider.fileSystem(FileSystemFleet.NAME);
    }

    /**
     * Returns the file system of {@code fos:} paths on {@value FileSystemFleet#NAME}.
     *
     * @return the file system
     */
    FileSystem fileSystem() {
        return fileSystem;
    }

    /** Stops the fleets and the kernel. */
    @Override
    public void close() {
        fleets.close();
    }
}
