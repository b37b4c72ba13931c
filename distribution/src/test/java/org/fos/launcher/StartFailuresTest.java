package org.fos.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;

/** What the launcher reports of bundles that did not start, and the one more start it gives them. */
class StartFailuresTest {

    /** A bundle that is RESOLVED and fails its first {@code failing} starts with a message, then starts. */
    private static Bundle bundle(String name, int failing, AtomicInteger starts) {
        int[] state = {Bundle.RESOLVED};
        return (Bundle) Proxy.newProxyInstance(StartFailuresTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getState" -> state[0];
                    case "start" -> {
                        if (starts.incrementAndGet() <= failing) {
                            throw new BundleException("Unable to acquire global lock for resolve.");
                        }
                        state[0] = Bundle.ACTIVE;
                        yield null;
                    }
                    case "getSymbolicName" -> name;
                    case "getVersion" -> new Version(1, 2, 4);
                    case "getLocation" -> "file:" + name + ".jar";
                    case "getHeaders" -> new Hashtable<String, String>();
                    case "adapt" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> name;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void shouldStartABundleThatLostTheRaceForTheGlobalLockOnceMoreAndReportNothing() {
        AtomicInteger starts = new AtomicInteger();
        Bundle metatype = bundle("org.apache.felix.metatype", 0, starts);

        assertThat(Main.failures(List.of(metatype))).isEmpty();
        assertThat(starts).hasValue(1);
        assertThat(metatype.getState()).isEqualTo(Bundle.ACTIVE);
    }

    @Test
    void shouldReportABundleThatStillCannotStartWithWhy() {
        AtomicInteger starts = new AtomicInteger();
        Bundle broken = bundle("broken", Integer.MAX_VALUE, starts);

        assertThat(Main.failures(List.of(broken))).containsExactly(
                "broken 1.2.4 (file:broken.jar) is RESOLVED (not started): Unable to acquire global lock for resolve.");
        assertThat(starts).hasValue(1);
    }
}
