package org.fos.itests.fs2;

import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.impl.FsMember;
import org.fos.fs.impl.FsPeers;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.Names;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/** Version 2 of a file-system member: the same on-disk format and protocol, shipped as a new bundle version. */
@Component(service = FileSystemFleet.class, scope = ServiceScope.PROTOTYPE, configurationPid = FsMember.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = Names.SCOPE_PROPERTY + "=" + Names.SCOPE_NODE)
@Fleet(name = FileSystemFleet.NAME, members = 2, peers = FsPeers.class)
public class FsMemberV2 extends FsMember {

    /**
     * Creates a member.
     *
     * @param config the configuration
     * @param properties the component properties
     * @param libfos libfos
     * @param kernel the kernel
     */
    @Activate
    public FsMemberV2(Config config, Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        super(config, properties, libfos, kernel);
    }
}
