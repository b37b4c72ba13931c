package org.fos.itests.kv2;

import java.util.HashMap;
import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.kernel.api.Kernel;
import org.fos.kv.api.KeyValue;
import org.fos.kv.impl.KeyValueMember;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Version 2 of a key-value member: state layout 2 wraps layout 1 with the version that wrote it,
 * and it reads layout 1 (migration) as well as its own.
 */
@Component(service = KeyValue.class, scope = ServiceScope.PROTOTYPE, configurationPid = "org.fos.kv")
@Fleet(name = KeyValue.NAME, members = 2)
public class KeyValueMemberV2 extends KeyValueMember {
    static final int LAYOUT = 2;

    /** The layout of the state this member was started from, for tests to see the migration. */
    private int importedLayout;

    /**
     * Creates a member.
     *
     * @param properties the component properties
     * @param libfos libfos
     * @param kernel the kernel
     */
    @Activate
    public KeyValueMemberV2(Map<String, Object> properties, @Reference Libfos libfos, @Reference Kernel kernel) {
        super(properties, libfos, kernel);
    }

    @Override
    protected int stateLayout() {
        return LAYOUT * 100 + importedLayout;
    }

    @Override
    public FleetState exportState() {
        Map<String, Object> data = new HashMap<>();
        data.put("v1", super.exportState().data());
        data.put("writtenBy", servedBy());
        return new FleetState(LAYOUT, data);
    }

    @Override
    public void importState(FleetState state) {
        switch (state.version()) {
            case 1 -> importLayout1(state.data());
            case LAYOUT -> {
                if (!(state.data() instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("state layout 2 is a map");
                }
                importLayout1(map.get("v1"));
            }
            default -> throw new IllegalArgumentException("version 2 reads state layouts 1 and 2, not " + state.version());
        }
        importedLayout = state.version();
    }
}
