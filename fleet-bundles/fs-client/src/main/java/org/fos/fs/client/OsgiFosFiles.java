package org.fos.fs.client;

import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.util.concurrent.atomic.AtomicReference;

import org.fos.fleet.api.FleetRuntime;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FosFiles;
import org.fos.fs.api.LeaseHolder;
import org.fos.kernel.api.Kernel;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code fos:} provider inside a node: {@link FosFiles} for bundles, and the provider itself
 * as a {@link FileSystemProvider} service ({@code fos.scheme=fos}). It reaches the fleets through
 * this bundle's libfos, so it outlives any upgrade of the file-system fleet's implementation.
 *
 * <p>Each bundle that gets the service gets its own provider ({@link ServiceScope#BUNDLE}): a
 * program of its own, with its own file locks, which other bundles' locks conflict with as another
 * program's would (ADR 0044).
 *
 * <p>A call that finds no member of its fleet waits for the fleet to register, as while the node
 * starts, unless the node's {@link FleetRuntime} lists the fleet as {@code REMOVED}:
 * then it fails at once with {@code NO_SUCH_NAME}.
 */
@Component(service = {FosFiles.class, FileSystemProvider.class}, property = "fos.scheme=fos", configurationPid = OsgiFosFiles.PID,
        scope = ServiceScope.BUNDLE)
@Designate(ocd = OsgiFosFiles.Config.class)
public final class OsgiFosFiles extends FosFileSystemProvider implements FosFiles {

    /** The configuration PID. */
    public static final String PID = "org.fos.fs.client";

    /** The provider's configuration. */
    @ObjectClassDefinition(name = "fos files client", description = "How bundles reach fos file systems through java.nio.file.")
    public @interface Config {
        /**
         * Milliseconds a call may take.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "Milliseconds one call to a file-system fleet may take.")
        long callTimeoutMillis() default 60_000;

        /**
         * The most inodes a file system's cache keeps.
         *
         * @return inodes, 0 for no cache
         */
        @AttributeDefinition(description = "The most inodes whose lookups and attributes one file system caches under the"
                + " members' leases; 0 asks the members for every path.")
        int cacheInodes() default FosFileSystemProvider.CACHE_INODES;
    }

    /** The node's fleet runtime, while there is one: it knows which fleets were removed. */
    private final AtomicReference<FleetRuntime> runtime;

    /**
     * Creates the provider.
     *
     * @param libfos this bundle's libfos
     * @param kernel the node's kernel, for the mailbox where members revoke the cache's leases
     * @param config the configuration
     */
    @Activate
    public OsgiFosFiles(@Reference Libfos libfos, @Reference Kernel kernel, Config config) {
        this(libfos, kernel, config, new AtomicReference<>());
    }

    private OsgiFosFiles(Libfos libfos, Kernel kernel, Config config, AtomicReference<FleetRuntime> runtime) {
        super(new FleetConnector() {
            @Override
            public FileSystemFleet connect(String fleet) {
                return libfos.proxy(FileSystemFleet.class, fleet, FleetConnector.inNode(config.callTimeoutMillis()));
            }

            @Override
            public String notComing(String fleet) {
                FleetRuntime r = runtime.get();
                return r == null ? null : Remote.removed(r.fleet(fleet));
            }

            @Override
            public LeaseCallbacks callbacks(String fleet, LeaseHolder holder) {
                return new LeaseCallbacks(kernel, libfos, holder, "fos: leases " + fleet);
            }
        }, check(config.callTimeoutMillis()), User.ROOT, config.cacheInodes());
        this.runtime = runtime;
    }

    /**
     * Binds the node's fleet runtime (optional: without one, a fleet without members may be starting).
     *
     * @param r the runtime
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(FleetRuntime r) {
        runtime.set(r);
    }

    /**
     * Unbinds the node's fleet runtime.
     *
     * @param r the runtime
     */
    void unbindRuntime(FleetRuntime r) {
        runtime.compareAndSet(r, null);
    }

    /** The bundle that used this provider let go of it: its file systems close (locks, caches, callback mailboxes). */
    @Deactivate
    void deactivate() {
        closeAll();
    }

    private static long check(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("callTimeoutMillis must be positive, was " + millis);
        }
        return millis;
    }

    @Override
    public FileSystem fileSystem() {
        return fileSystem(FileSystemFleet.NAME);
    }

    @Override
    public Path path(String first, String... more) {
        return fileSystem().getPath(first, more);
    }

    @Override
    public Path path(URI uri) {
        return getPath(uri);
    }

    @Override
    public FileSystemProvider provider() {
        return this;
    }
}
