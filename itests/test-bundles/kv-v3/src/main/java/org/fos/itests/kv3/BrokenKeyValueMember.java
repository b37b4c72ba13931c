package org.fos.itests.kv3;

import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.fos.kernel.api.Kernel;
import org.fos.kv.api.KeyValue;
import org.fos.kv.impl.KeyValueMember;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/** Version 3 of a key-value member, broken on purpose: it throws when it activates. */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
public class BrokenKeyValueMember extends KeyValueMember {

    /**
     * Fails.
     *
     * @param properties the component properties
     * @param libfos libfos
     * @param kernel the kernel
     */
    @Activate
    public BrokenKeyValueMember(Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        super(properties, libfos, kernel);
        throw new IllegalStateException("version 3 is broken on purpose: it cannot activate");
    }
}
