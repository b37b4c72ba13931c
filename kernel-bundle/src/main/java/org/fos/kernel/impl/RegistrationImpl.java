package org.fos.kernel.impl;

import java.util.concurrent.atomic.AtomicBoolean;

import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Registration;

/** A name registration and the bundle that owns it. */
final class RegistrationImpl implements Registration {
    private final KernelCore kernel;
    private final NameEntry entry;
    private final AtomicBoolean active = new AtomicBoolean(true);
    private volatile long owner;

    RegistrationImpl(KernelCore kernel, NameEntry entry, long owner) {
        this.kernel = kernel;
        this.entry = entry;
        this.owner = owner;
    }

    long owner() {
        return owner;
    }

    @Override
    public NameEntry entry() {
        return entry;
    }

    @Override
    public void transfer(long bundleId) {
        kernel.requireBundle(bundleId);
        owner = bundleId;
    }

    @Override
    public boolean isActive() {
        return active.get();
    }

    @Override
    public void close() {
        if (active.compareAndSet(true, false)) {
            kernel.deregister(this);
        }
    }

    @Override
    public String toString() {
        return "registration " + entry.registrationId() + " of " + entry.address() + " under " + entry.name();
    }
}
