package org.fos.kernel.impl;

import org.fos.kernel.api.Message;
import org.fos.kernel.spi.ClientLimits;
import org.fos.kernel.spi.Links;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers the node's {@link LinkTable} as the {@link Links} service, for transports: only the OSGi
 * shell of it (a DS component must be its own service object), every call goes straight to the link
 * table.
 */
@Component(service = Links.class)
public final class LinksComponent implements Links {
    private final LinkTable links;

    /**
     * Creates the service.
     *
     * @param kernel the node's kernel
     */
    @Activate
    public LinksComponent(@Reference KernelComponent kernel) {
        this.links = kernel.core().linkTable();
    }

    @Override
    public long epoch() {
        return links.epoch();
    }

    @Override
    public long deliver(String fromNode, long peerEpoch, long sequence, Message message) {
        return links.deliver(fromNode, peerEpoch, sequence, message);
    }

    @Override
    public long deliver(String fromNode, long peerEpoch, long sequence, Message message, ClientLimits limits) {
        return links.deliver(fromNode, peerEpoch, sequence, message, limits);
    }

    @Override
    public void acknowledged(String nodeId, long sequence) {
        links.acknowledged(nodeId, sequence);
    }

    @Override
    public void connected(String nodeId, long peerEpoch) {
        links.connected(nodeId, peerEpoch);
    }
}
