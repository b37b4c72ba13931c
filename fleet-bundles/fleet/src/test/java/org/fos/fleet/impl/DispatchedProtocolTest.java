package org.fos.fleet.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.fos.fleet.api.Fleet;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** What a fleet's members dispatch: the protocol, or the private extension {@code fos.fleet.peers} names. */
class DispatchedProtocolTest {

    /** A fleet's exported protocol. */
    public interface Served {
        /**
         * A method anyone may call.
         *
         * @return a word
         */
        String hello();
    }

    /** Its members' private extension. */
    public interface ServedPeers extends Served {
        /**
         * A method only members call.
         *
         * @return a word
         */
        String peerHello();
    }

    /** Not an extension of {@link Served}. */
    public interface Other {
        /**
         * Anything.
         *
         * @return a word
         */
        String other();
    }

    @Test
    void shouldDispatchTheProtocolWithoutPeers() {
        assertThat(FleetServices.dispatchedOf(reference(Map.of()), Served.class)).isEqualTo(Served.class);
        assertThat(FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, Void.class.getName())), Served.class)).isEqualTo(Served.class);
        assertThat(FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, " ")), Served.class)).isEqualTo(Served.class);
    }

    @Test
    void shouldDispatchThePrivateExtensionItsBundleLoads() {
        assertThat(FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, ServedPeers.class.getName())), Served.class))
                .isEqualTo(ServedPeers.class);
    }

    @Test
    void shouldRefuseWhatIsNoExtensionOfTheProtocolSayingWhy() {
        assertThatThrownBy(() -> FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, Other.class.getName())), Served.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface extending the protocol");
        assertThatThrownBy(() -> FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, Served.class.getName())), Served.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface extending the protocol");
        assertThatThrownBy(() -> FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, String.class.getName())), Served.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an interface extending the protocol");
        assertThatThrownBy(() -> FleetServices.dispatchedOf(reference(Map.of(Fleet.PEERS, "org.fos.no.Such")), Served.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("which its bundle cannot load");
    }

    /** A service reference with the properties, whose bundle loads classes from this test's class path. */
    @SuppressWarnings("unchecked")
    private static ServiceReference<Object> reference(Map<String, Object> properties) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(getLoader(), new Class<?>[] {Bundle.class}, (proxy, method, args) -> {
            if (method.getName().equals("loadClass")) {
                return Class.forName((String) args[0], false, getLoader());
            }
            throw new UnsupportedOperationException(method.getName());
        });
        return (ServiceReference<Object>) Proxy.newProxyInstance(getLoader(), new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "getProperty":
                    return properties.get(args[0]);
                case "getBundle":
                    return bundle;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        });
    }

    private static ClassLoader getLoader() {
        return DispatchedProtocolTest.class.getClassLoader();
    }
}
