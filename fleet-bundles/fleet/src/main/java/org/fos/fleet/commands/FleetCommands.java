package org.fos.fleet.commands;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.UpgradeReport;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Selection;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The fleet commands, scope {@code fos}: list fleets, call a fleet from the shell, replace a fleet's
 * implementation. They return data and leave printing to the shell.
 */
@Component(service = FleetCommands.class, property = {
        "osgi.command.scope=fos",
        "osgi.command.function=fleets",
        "osgi.command.function=call",
        "osgi.command.function=upgrade",
        "osgi.command.function=upgrades"})
public final class FleetCommands {
    private final BundleContext context;
    private final FleetRuntime runtime;
    private final Libfos libfos;
    private final Kernel kernel;

    /**
     * Creates the commands.
     *
     * @param context the fleet bundle's context, to find protocol interfaces
     * @param runtime the fleet runtime
     * @param libfos libfos, for calls
     * @param kernel the kernel, for names
     */
    @Activate
    public FleetCommands(BundleContext context, @Reference FleetRuntime runtime, @Reference Libfos libfos, @Reference Kernel kernel) {
        this.context = context;
        this.runtime = runtime;
        this.libfos = libfos;
        this.kernel = kernel;
    }

    /**
     * Lists the fleets.
     *
     * @return one entry a fleet
     */
    @Descriptor("list the fleets of this node: protocol, implementation bundle and version, status, members with queue depths and calls served")
    public List<FleetInfo> fleets() {
        return runtime.fleets();
    }

    /**
     * Shows one fleet.
     *
     * @param name the fleet's name
     * @return the fleet
     */
    @Descriptor("show one fleet of this node")
    public FleetInfo fleets(@Descriptor("the fleet's name, such as /sys/kv") String name) {
        Names.requireValidName(name);
        FleetInfo f = runtime.fleet(name);
        if (f == null) {
            throw new IllegalArgumentException("no fleet named " + name + " runs on this node; fos:fleets lists them");
        }
        return f;
    }

    /**
     * Calls a method of a fleet.
     *
     * @param timeoutMillis the call timeout
     * @param select how to pick a member for methods without a key
     * @param name the fleet's name
     * @param method the method
     * @param arguments the arguments as text
     * @return what the method returned
     */
    @Descriptor("call a method of a fleet, with arguments as text (numbers, booleans, enum names; byte[] as UTF-8 text)")
    public Object call(
            @Descriptor("milliseconds to wait for the reply")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "30000") long timeoutMillis,
            @Descriptor("how to pick the member for methods without a key: round-robin, least-loaded, local-first")
            @Parameter(names = {"-s", "--select"}, absentValue = "round-robin") String select,
            @Descriptor("the fleet's name, such as /sys/kv") String name,
            @Descriptor("the method, such as get") String method,
            @Descriptor("the arguments, one a parameter") String... arguments) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutMillis);
        }
        Names.requireValidName(name);
        Selection selection = switch (select.trim().toLowerCase(Locale.ROOT)) {
            case "round-robin" -> Selection.ROUND_ROBIN;
            case "least-loaded" -> Selection.LEAST_LOADED;
            case "local-first" -> Selection.LOCAL_FIRST;
            default -> throw new IllegalArgumentException("unknown selection '" + select + "': use round-robin, least-loaded or local-first");
        };
        Object result = libfos.call(protocolOf(name), name, method, Arrays.asList(arguments),
                new CallOptions(Duration.ofMillis(timeoutMillis), selection));
        return result instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : result;
    }

    /**
     * Replaces a fleet's implementation bundle.
     *
     * @param timeoutMillis how long to wait for the outcome
     * @param name the fleet's name
     * @param location the new bundle's URL
     * @return what happened
     */
    @Descriptor("replace the implementation bundle of a fleet live: requests queue meanwhile, a failed version is rolled back")
    public UpgradeReport upgrade(
            @Descriptor("milliseconds to wait for the outcome")
            @Parameter(names = {"-t", "--timeout"}, absentValue = "60000") long timeoutMillis,
            @Descriptor("the fleet's name, such as /sys/kv") String name,
            @Descriptor("the URL of the new bundle jar, such as file:/tmp/kv-2.0.0.jar") String location) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeoutMillis);
        }
        return runtime.upgrade(name, location, Duration.ofMillis(timeoutMillis));
    }

    /**
     * Lists the upgrades done on this node.
     *
     * @return the reports, oldest first
     */
    @Descriptor("list the upgrades of fleets on this node, with their outcome and how long dispatch paused")
    public List<UpgradeReport> upgrades() {
        return runtime.upgrades();
    }

    /** The protocol interface of a fleet: from its local runtime, else from the name's fos.protocol property. */
    private Class<?> protocolOf(String name) {
        FleetInfo local = runtime.fleet(name);
        String protocol = local != null ? local.protocol() : null;
        if (protocol == null) {
            List<NameEntry> members = kernel.names().find(name);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("no fleet is registered under " + name + "; fos:names lists the names");
            }
            protocol = members.get(0).properties().get("fos.protocol");
            if (protocol == null) {
                throw new IllegalArgumentException(name + " is not a fleet (its members do not name a protocol): use fos:send");
            }
        }
        return loadExported(protocol);
    }

    private Class<?> loadExported(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleCapability cap : wiring.getCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (pkg.equals(cap.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    try {
                        return b.loadClass(className);
                    } catch (ClassNotFoundException e) {
                        // another exporter may have it
                    }
                }
            }
        }
        throw new IllegalArgumentException("protocol " + className + " is not exported by any bundle on this node: install its API bundle");
    }
}
