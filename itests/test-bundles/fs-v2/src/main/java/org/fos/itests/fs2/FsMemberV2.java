package org.fos.itests.fs2;

import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.engine.EngineMember;
import org.fos.fs.engine.FsEngine;
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
 * Version 2 of a file-system member: its own class, not an extension of version 1's (ADR 0043). It is
 * made of the engine every version carries ({@code org.fos.fs.engine}, the format on the device) and
 * speaks the same private protocol ({@code org.fos.fs.peers}); it takes over the state version 1
 * hands on (layouts 1 and 2) through the engine's published state layout and mounts the file system
 * again on first use (ADR 0014).
 */
@Component(service = FileSystemFleet.class, scope = ServiceScope.PROTOTYPE, configurationPid = FsEngine.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = FileSystemFleet.NAME, members = 2, peers = FsPeers.class)
@Designate(ocd = FsEngine.Config.class, factory = true)
public final class FsMemberV2 implements EngineMember {
    private final FsEngine engine;

    /**
     * Creates a member.
     *
     * @param config the configuration, as version 1 reads it
     * @param properties the component properties
     * @param libfos libfos
     * @param kernel the kernel
     */
    @Activate
    public FsMemberV2(FsEngine.Config config, Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.engine = new FsEngine(FsEngine.Settings.of(config, properties), FsEngine.servedBy(getClass()), libfos, kernel);
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
