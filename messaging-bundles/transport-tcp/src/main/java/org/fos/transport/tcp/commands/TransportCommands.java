package org.fos.transport.tcp.commands;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.fos.transport.tcp.impl.TcpTransportComponent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The TCP transport's Gogo command, scope {@code fos}. It returns data and leaves printing to the shell.
 */
@Component(service = TransportCommands.class)
@GogoCommand(scope = "fos", function = {"transport"})
public final class TransportCommands {

    private final TcpTransportComponent tcp;

    /**
     * Creates the command.
     *
     * @param tcp the transport component of this node
     */
    @Activate
    public TransportCommands(@Reference TcpTransportComponent tcp) {
        this.tcp = tcp;
    }

    /**
     * Shows the TCP transport.
     *
     * @return its endpoint, TLS state, peers, connections and counters (faults by reason)
     */
    @Descriptor("show the TCP transport: endpoint, peers, connections and counters (faults by reason)")
    public Map<String, Object> transport() {
        return tcp.transport().info();
    }
}
