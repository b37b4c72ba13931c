package org.fos.itests.kv3;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.Replicated;
import org.fos.kv.api.KeyValue;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/** Version 3 of a key-value member, broken on purpose: its component cannot be created (the class is abstract), so it never serves. */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
@Replicated(groups = 8, replicas = 3)
public abstract class BrokenKeyValueMember implements KeyValue {

    /** Never runs: an abstract class has no instances. */
    @Activate
    public BrokenKeyValueMember() {
        throw new IllegalStateException("version 3 is broken on purpose");
    }
}
