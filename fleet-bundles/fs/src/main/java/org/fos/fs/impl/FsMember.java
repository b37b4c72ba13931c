package org.fos.fs.impl;

import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.engine.EngineMember;
import org.fos.fs.engine.FsEngine;
import org.fos.fs.engine.LeaseSettings;
import org.fos.fs.peers.FsPeers;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One member of the file-system fleet, version 1: a component made from a node's {@code org.fos.fs}
 * configuration that holds an {@link FsEngine} and hands it every call, the state it hands on at an
 * upgrade included (ADR 0043).
 */
@Component(service = FileSystemFleet.class, scope = ServiceScope.PROTOTYPE, configurationPid = FsEngine.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = FileSystemFleet.NAME, members = 2, peers = FsPeers.class)
@Designate(ocd = FsEngine.Config.class, factory = true)
public final class FsMember implements EngineMember {

    private final FsEngine engine;

    /**
     * Creates a member.
     *
     * @param config the configuration
     * @param properties the component properties, {@code fos.fleet.name} among them
     * @param libfos libfos, for the device and the other members
     * @param kernel the kernel, for the name resolution that says which groups this member owns
     * @throws IllegalArgumentException if a setting is out of its range (groups, call timeout, lock lease and bounds, leases)
     */
    @Activate
    public FsMember(FsEngine.Config config, Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.engine = new FsEngine(FsEngine.Settings.of(config, properties), LeaseSettings.of(config), FsEngine.servedBy(getClass()),
                libfos, kernel);
    }

    @Override
    public FsEngine engine() {
        return engine;
    }

    /** The member stops: it sends the device the writes it kept (ADR 0117). */
    @Deactivate
    public void deactivate() {
        engine.close();
    }
}
