package ${package}.impl;

import java.util.HashMap;
import java.util.Map;

import ${package}.${protocol};
import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * A member of the {@code ${fleetName}} fleet. The fleet runtime makes {@code members} of them (a
 * prototype service: one instance each), gives each its own mailbox and thread, and routes a call
 * to the member its key chooses. On a live upgrade the runtime pauses the members, takes their
 * state with {@link #exportState()}, starts the new version's members and hands it to them with
 * {@link #importState(FleetState)}; calls that arrive meanwhile wait in the mailboxes.
 */
@Component(service = ${protocol}.class, scope = ServiceScope.PROTOTYPE)
@Fleet(name = ${protocol}.NAME, members = 2)
public class ${protocol}Member implements ${protocol}, Stateful {
    /** The layout of the state this version exports and reads: a map from counter name to value. */
    static final int STATE_LAYOUT = 1;

    private final Map<String, Long> counters = new HashMap<>();

    @Override
    public long add(String counter, long delta) {
        return counters.merge(counter, delta, Long::sum);
    }

    @Override
    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public FleetState exportState() {
        return new FleetState(STATE_LAYOUT, new HashMap<>(counters));
    }

    @Override
    public void importState(FleetState state) {
        if (state.version() != STATE_LAYOUT || !(state.data() instanceof Map<?, ?> data)) {
            throw new IllegalArgumentException("this version reads state layout " + STATE_LAYOUT + ", not " + state.version());
        }
        data.forEach((counter, value) -> counters.put((String) counter, ((Number) value).longValue()));
    }
}
