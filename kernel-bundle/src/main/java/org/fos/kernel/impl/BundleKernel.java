package org.fos.kernel.impl;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Capability;
import org.fos.kernel.api.DirectDelivery;
import org.fos.kernel.api.Kernel;
import org.fos.kernel.api.KernelStats;
import org.fos.kernel.api.LinkInfo;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.NameListener;
import org.fos.kernel.api.Names;
import org.fos.kernel.api.Registration;
import org.fos.kernel.api.Right;
import org.fos.kernel.api.Selection;
import org.fos.kernel.api.Status;
import org.fos.kernel.api.Subscription;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The kernel as one bundle sees it: every call delegates to the node's {@link KernelCore}, with
 * the using bundle as the owner of what it creates. A bundle-scope service: each bundle gets its
 * own instance.
 */
@Component(service = Kernel.class, scope = ServiceScope.BUNDLE)
public final class BundleKernel implements Kernel, Names {
    private final KernelCore core;
    /** The core's name cache, held here so that a resolution reaches it in one step. */
    private final NameCache nameCache;
    private final long bundleId;

    /**
     * Creates the kernel view of the bundle that gets the service.
     *
     * @param context the component context, which names the using bundle
     * @param kernel the node's kernel
     */
    @Activate
    public BundleKernel(ComponentContext context, @Reference KernelComponent kernel) {
        this(kernel.core(), context.getUsingBundle().getBundleId());
    }

    BundleKernel(KernelCore core, long bundleId) {
        this.core = core;
        this.nameCache = core.nameCache();
        this.bundleId = bundleId;
    }

    @Override
    public String nodeId() {
        return core.nodeId();
    }

    @Override
    public Mailbox createMailbox(String label, int capacity) {
        return core.createMailbox(bundleId, label, capacity, null);
    }

    @Override
    public Mailbox createMailbox(String label, int capacity, DirectDelivery direct) {
        return core.createMailbox(bundleId, label, capacity, Objects.requireNonNull(direct, "direct"));
    }

    @Override
    public Mailbox open(Capability capability) {
        return core.open(capability);
    }

    @Override
    public Status send(Message message) {
        Objects.requireNonNull(message, "message");
        return core.send(message);
    }

    @Override
    public Status send(Message message, long timeout, TimeUnit unit) {
        Objects.requireNonNull(message, "message");
        return core.send(message, Math.max(1, unit.toNanos(timeout)));
    }

    @Override
    public Capability narrow(Capability capability, Set<Right> rights) {
        return core.narrow(capability, rights);
    }

    @Override
    public void revoke(Capability authority, Capability target) {
        core.revoke(authority, target);
    }

    @Override
    public Status check(Capability capability) {
        return core.check(capability);
    }

    @Override
    public void transfer(Capability capability, long targetBundleId) {
        core.transfer(capability, targetBundleId);
    }

    @Override
    public Names names() {
        return this;
    }

    @Override
    public List<MailboxInfo> mailboxes() {
        return core.mailboxes();
    }

    @Override
    public List<LinkInfo> links() {
        return core.links();
    }

    @Override
    public boolean reachable(String nodeId) {
        return core.reachable(nodeId);
    }

    @Override
    public KernelStats stats() {
        return core.stats();
    }

    @Override
    public void refused(Message message, Status status) {
        core.refused(message, status);
    }

    @Override
    public Registration register(String name, Capability capability, Map<String, String> properties) {
        return core.register(bundleId, name, capability, properties);
    }

    @Override
    public List<NameEntry> find(String name) {
        return core.find(name);
    }

    @Override
    public List<NameEntry> list(String prefix) {
        return core.list(prefix);
    }

    @Override
    public Subscription subscribe(String name, NameListener listener) {
        return core.subscribe(name, listener);
    }

    @Override
    public Capability resolve(String name, Selection selection) {
        return nameCache.resolve(name, selection);
    }

    @Override
    public Capability resolve(String name, Selection selection, Object key) {
        return nameCache.resolve(name, selection, key);
    }

    @Override
    public List<Capability> replicas(String name, Object key, int count) {
        return core.replicas(name, key, count);
    }

    @Override
    public List<NameEntry> cached(String name) {
        return core.cached(name);
    }

    @Override
    public String toString() {
        return "kernel of node " + core.nodeId() + " for bundle " + bundleId;
    }
}
