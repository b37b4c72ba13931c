package org.fos.fleet.impl;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.fos.fleet.api.Fleet;
import org.fos.fleet.api.FleetState;
import org.fos.fleet.api.Stateful;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fleet.spi.Replication;
import org.fos.kernel.embed.EmbeddedKernel;
import org.fos.kernel.api.Message;
import org.fos.rpc.api.Dispatcher;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;

/**
 * A fleet controller without a framework: a real kernel (embedded), and fakes of what OSGi and the
 * runtime give it, whose implementation instances record every call and whether it came under the
 * controller's lock, and fail on demand.
 */
final class FleetFixture implements AutoCloseable {

    /** The fleet's protocol. */
    public interface Counter {
        /**
         * Counts one.
         *
         * @return the count
         */
        int next();
    }

    /** What an implementation does when asked for an instance. */
    enum Activation {
        /** Gives an instance. */
        OK,
        /** Gives none (the component failed). */
        NONE,
        /** Throws. */
        THROWS,
        /** Waits for {@link FleetFixture#release} before it gives one. */
        WAITS
    }

    final EmbeddedKernel node = EmbeddedKernel.start("controller-test");
    final Host host = new Host();
    final FleetController controller = new FleetController("/test/counter", host, node.kernel(1));
    /** Calls into an implementation made under the controller's lock: must stay empty. */
    final List<String> underLock = new CopyOnWriteArrayList<>();
    final CountDownLatch activating = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, Object> properties = new HashMap<>(Map.of(Fleet.NAME, "/test/counter"));
    private Version bundleVersion = Version.parseVersion("1.0.0");
    /** The implementation's one bundle, updated in place as the framework does. */
    final Bundle bundle = bundle();

    @Override
    public void close() {
        controller.stop();
        node.close();
    }

    /** Updates the bundle to another version, as {@code Bundle.update} does. */
    void update(String version) {
        bundleVersion = Version.parseVersion(version);
    }

    /** Gives the services registered from now on a property. */
    void property(String key, Object value) {
        properties.put(key, value);
    }

    /** Registers a service of the bundle's current version. */
    Service register(Activation activation) {
        Service s = new Service(activation);
        host.services.put(s.ref, s);
        return s;
    }

    /** Binds a service with this many members. */
    boolean bind(Service s, int members) {
        return controller.bind(s.ref, Counter.class, Counter.class, members, 64, null);
    }

    private void check(String call) {
        if (Thread.holdsLock(controller)) {
            underLock.add(call);
        }
    }

    /** One instance of the implementation: counts, and exports and imports its count. */
    final class Instance implements Counter, Stateful {
        final Service service;
        int count;

        Instance(Service service) {
            this.service = service;
        }

        @Override
        public int next() {
            return ++count;
        }

        @Override
        public void quiesce() {
            check("quiesce");
            service.lifeCalls.add("quiesce");
            if (service.quiesceFails) {
                throw new IllegalStateException("quiesce refused on purpose");
            }
        }

        @Override
        public FleetState exportState() {
            check("exportState");
            service.lifeCalls.add("exportState");
            if (service.exportFails) {
                throw new IllegalStateException("export refused on purpose");
            }
            return new FleetState(1, count);
        }

        @Override
        public void importState(FleetState state) {
            check("importState");
            if (service.importFails) {
                throw new IllegalStateException("import refused on purpose");
            }
            count = state.data() == null ? 0 : (Integer) state.data();
        }
    }

    /** A registered service of the implementation, with its instances. */
    final class Service implements ServiceObjects<Object> {
        final ServiceReference<Object> ref;
        volatile Activation activation;
        final List<Instance> active = new CopyOnWriteArrayList<>();
        final AtomicInteger released = new AtomicInteger();
        volatile boolean importFails;
        volatile boolean exportFails;
        volatile boolean quiesceFails;
        /** The instances' quiesce and exportState calls, in order. */
        final List<String> lifeCalls = new CopyOnWriteArrayList<>();
        volatile boolean releaseFails;

        @SuppressWarnings("unchecked")
        Service(Activation activation) {
            this.activation = activation;
            Map<String, Object> props = Map.copyOf(properties);
            this.ref = (ServiceReference<Object>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceReference.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundle" -> bundle;
                        case "getProperty" -> props.get((String) args[0]);
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> "service of " + bundleVersion;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public Object getService() {
            check("getService");
            switch (activation) {
                case NONE:
                    return null;
                case THROWS:
                    throw new IllegalStateException("activation refused on purpose");
                case WAITS:
                    activating.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    break;
                default:
                    break;
            }
            Instance i = new Instance(this);
            active.add(i);
            return i;
        }

        @Override
        public void ungetService(Object service) {
            check("ungetService");
            released.incrementAndGet();
            active.remove(service);
            if (releaseFails) {
                throw new IllegalStateException("deactivation failed on purpose");
            }
        }

        @Override
        public ServiceReference<Object> getServiceReference() {
            return ref;
        }
    }

    private Bundle bundle() {
        return (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getVersion" -> bundleVersion;
                    case "getSymbolicName" -> "test.counter";
                    case "getBundleId" -> 7L;
                    case "getState" -> Bundle.ACTIVE;
                    case "getLocation" -> "test:counter";
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "test.counter " + bundleVersion;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A bundle update the controller asked for. */
    record RollBack(Bundle bundle, byte[] content, String reason) {
    }

    /** The runtime, as far as a controller sees it. */
    final class Host implements FleetHost {
        final List<UpgradeReport> reports = new CopyOnWriteArrayList<>();
        final List<RollBack> rollBacks = new CopyOnWriteArrayList<>();
        /** Tasks scheduled on the upgrade thread; a test runs them when it wants (a watchdog fires). */
        final List<Runnable> scheduled = new CopyOnWriteArrayList<>();
        final List<Runnable> elasticSteps = new CopyOnWriteArrayList<>();
        final Map<ServiceReference<Object>, Service> services = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean archiveFails;
        private final ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "controller-test-idle");
            t.setDaemon(true);
            return t;
        });
        private final Libfos libfos = (Libfos) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Libfos.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("dispatcher")) {
                        return new Dispatcher() {
                            @Override
                            public boolean dispatch(Message request) {
                                return true;
                            }

                            @Override
                            public int outstanding() {
                                return 0;
                            }
                        };
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        /** Runs the tasks scheduled so far, as if their time had come. */
        void fire() {
            List<Runnable> due = new ArrayList<>(scheduled);
            scheduled.clear();
            due.forEach(Runnable::run);
        }

        @Override
        public Libfos libfos() {
            return libfos;
        }

        @Override
        public int batch() {
            return 16;
        }

        @Override
        public long upgradeTimeoutMillis() {
            return 2_000;
        }

        @Override
        public Replication replication() {
            return null;
        }

        @Override
        public ServiceObjects<Object> serviceObjects(ServiceReference<Object> ref) {
            return services.get(ref);
        }

        @Override
        public byte[] archive(Bundle b) throws java.io.IOException {
            if (archiveFails) {
                throw new java.io.IOException("no copy on purpose");
            }
            return ("jar of " + b.getVersion()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
            scheduled.add(task);
            return idle.schedule(() -> { }, 1, TimeUnit.HOURS);
        }

        @Override
        public void scheduleElastic(Runnable task, long delayMillis) {
            elasticSteps.add(task);
        }

        @Override
        public void recordUpgrade(UpgradeReport report) {
            reports.add(report);
        }

        @Override
        public void rollBackLater(Bundle b, byte[] good, String reason, Consumer<Exception> onError) {
            rollBacks.add(new RollBack(b, good, reason));
        }

        @Override
        public void deployedServes(Bundle b, byte[] archive) {
            // nothing was installed from deploy/
        }
    }
}
