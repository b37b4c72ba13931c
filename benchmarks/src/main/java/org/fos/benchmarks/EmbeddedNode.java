package org.fos.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * A fos node inside this JVM: Felix with the bundles of a built distribution ({@code bundle/boot} at
 * start level 1, {@code bundle/} at level 2, no shell) and its {@code etc/*.cfg} configurations, in a
 * fresh folder. The node's classes live in its bundles' class loaders, not on this JVM's class
 * path: services are reached by class name and called by reflection ({@link #call}).
 */
final class EmbeddedNode implements AutoCloseable {
    private final Felix felix;

    /**
     * Starts the node and waits until every bundle of the distribution is active.
     *
     * @param distribution the distribution folder ({@code distribution/target/fos})
     * @param base the node's folder, created; its {@code etc/}, {@code data/} and cache go there
     * @throws IOException if the folders cannot be read or written
     * @throws BundleException if a bundle does not install or start
     */
    EmbeddedNode(Path distribution, Path base) throws IOException, BundleException {
        Path etc = Files.createDirectories(base.resolve("etc"));
        Path data = Files.createDirectories(base.resolve("data"));
        for (Path cfg : list(distribution.resolve("etc"), "*.cfg")) {
            if (!cfg.getFileName().toString().startsWith("org.apache.felix.fileinstall")) {
                Files.copy(cfg, etc.resolve(cfg.getFileName()));
            }
        }
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, base.resolve("cache").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put("felix.fileinstall.dir", etc.toString());
        config.put("felix.fileinstall.filter", ".*\\.cfg");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.enableConfigSave", "false");
        config.put("fos.data", data.toString());
        felix = new Felix(config);
        felix.init();
        List<Bundle> bundles = new ArrayList<>();
        bundles.addAll(install(distribution.resolve("bundle/boot"), 1));
        bundles.addAll(install(distribution.resolve("bundle"), 2));
        for (Bundle b : bundles) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            if (revision == null || (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                b.start(Bundle.START_ACTIVATION_POLICY);
            }
        }
        felix.start();
        awaitStartLevel(2);
        for (Bundle b : bundles) {
            BundleRevision revision = b.adapt(BundleRevision.class);
            boolean fragment = revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            String policy = b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY);
            boolean lazy = b.getState() == Bundle.STARTING && policy != null && policy.strip().startsWith(Constants.ACTIVATION_LAZY);
            if (!fragment && b.getState() != Bundle.ACTIVE && !lazy) {
                throw new BundleException("bundle " + b.getSymbolicName() + " of " + distribution + " did not start");
            }
        }
    }

    private static List<Path> list(Path dir, String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
                s.forEach(files::add);
            }
        }
        files.sort(null);
        return files;
    }

    private List<Bundle> install(Path dir, int level) throws IOException, BundleException {
        List<Bundle> bundles = new ArrayList<>();
        for (Path jar : list(dir, "*.jar")) {
            try (InputStream in = Files.newInputStream(jar)) {
                Bundle b = felix.getBundleContext().installBundle(jar.toUri().toString(), in);
                b.adapt(BundleStartLevel.class).setStartLevel(level);
                bundles.add(b);
            }
        }
        return bundles;
    }

    /**
     * Raises the start level and waits for the framework's event that says it is reached. The
     * framework reports the new level while it still starts that level's bundles, so its getter is
     * not the condition; the event comes after the last of them.
     */
    private void awaitStartLevel(int level) throws BundleException {
        CountDownLatch reached = new CountDownLatch(1);
        felix.adapt(FrameworkStartLevel.class).setStartLevel(level, event -> reached.countDown());
        try {
            if (!reached.await(60, TimeUnit.SECONDS)) {
                throw new BundleException("the node did not reach start level " + level + " within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while the node started", e);
        }
    }

    /**
     * Returns the node's bundle context (the system bundle's).
     *
     * @return the context
     */
    BundleContext context() {
        return felix.getBundleContext();
    }

    /**
     * Loads a class from the bundle that exports its package.
     *
     * @param symbolicName the bundle's symbolic name
     * @param className the class
     * @return the class
     * @throws ClassNotFoundException if no such bundle or class
     */
    Class<?> loadClass(String symbolicName, String className) throws ClassNotFoundException {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b.loadClass(className);
            }
        }
        throw new ClassNotFoundException(className + ": no bundle " + symbolicName + " on the node");
    }

    /**
     * Returns a service of the node, waiting for it up to a minute.
     *
     * @param className the service's interface
     * @return the service object
     * @throws IllegalStateException if none is registered in time
     */
    Object service(String className) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs;
            try {
                // all references: this JVM's class path has its own copies of the API classes, which
                // the plain lookup would take as a mismatch and filter out
                refs = context().getAllServiceReferences(className, null);
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            Object service = refs == null ? null : context().getService(refs[0]);
            if (service != null) {
                return service;
            }
            pause();
        }
        throw new IllegalStateException("no " + className + " service on the node within a minute");
    }

    /**
     * Calls a public method by name on an object of the node (a service, a proxy, a record).
     *
     * @param target the object
     * @param method the method's name; the first public method of that name whose parameters take the
     *        arguments is called (overloads of one argument count are told apart by their types)
     * @param args the arguments
     * @return what it returned
     * @throws IllegalStateException if there is no such method, or wrapping what it threw
     */
    static Object call(Object target, String method, Object... args) {
        for (Class<?> type : interfacesFirst(target.getClass())) {
            for (Method m : type.getMethods()) {
                if (m.getName().equals(method) && accepts(m.getParameterTypes(), args)) {
                    try {
                        return m.invoke(target, args);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot call " + m, e);
                    } catch (InvocationTargetException e) {
                        throw new IllegalStateException(method + " failed: " + e.getCause(), e.getCause());
                    }
                }
            }
        }
        throw new IllegalStateException(target.getClass().getName() + " has no public method " + method + "/" + args.length);
    }

    /** Whether parameters of these types take these arguments (a primitive parameter its boxed value). */
    private static boolean accepts(Class<?>[] parameters, Object[] args) {
        if (parameters.length != args.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            Class<?> p = parameters[i].isPrimitive() ? MethodType.methodType(parameters[i]).wrap().returnType() : parameters[i];
            if (args[i] == null ? parameters[i].isPrimitive() : !p.isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    /** A proxy's or a service's own class is not public: look at its public interfaces first. */
    private static List<Class<?>> interfacesFirst(Class<?> type) {
        List<Class<?>> types = new ArrayList<>(List.of(type.getInterfaces()));
        types.add(type);
        return types;
    }

    /** Waits a little while polling the node for a condition. */
    static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the framework. */
    @Override
    public void close() {
        try {
            felix.stop();
            felix.waitForStop(30_000);
        } catch (BundleException e) {
            throw new IllegalStateException("the node did not stop", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
