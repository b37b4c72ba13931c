package org.fos.kernel.impl;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Links;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The kernel's {@link Links} service, for transports.
 */
@Component(service = Links.class)
public final class LinksComponent implements Links {
    private final KernelCore core;

    /**
     * Creates the service.
     *
     * @param kernel the node's kernel
     */
    @Activate
    public LinksComponent(@Reference KernelComponent kernel) {
        this.core = kernel.core();
    }

    @Override
    public long epoch() {
        return core.epoch();
    }

    @Override
    public long deliver(String fromNode, long peerEpoch, long sequence, Message message) {
        return core.deliver(fromNode, peerEpoch, sequence, message);
    }

    @Override
    public long deliver(String fromNode, long peerEpoch, long sequence, Message message, ClientLimits limits) {
        return core.deliver(fromNode, peerEpoch, sequence, message, limits);
    }

    @Override
    public void acknowledged(String nodeId, long sequence) {
        core.acknowledged(nodeId, sequence);
    }

    @Override
    public void connected(String nodeId, long peerEpoch) {
        core.connected(nodeId, peerEpoch);
    }
}
