package org.fos.transport.shm.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's id for the rule that picks shared memory: two nodes link through shared memory when
 * they publish the same host id (and the peer's directory is there). The id is the kernel's boot id
 * (new at every boot of the machine, shared by every process on it), else the machine id, else the
 * host name; the {@code hostId} setting overrides it.
 */
final class HostId {

    private HostId() {
    }

    /**
     * Finds this machine's id.
     *
     * @return an id without ';'
     */
    static String detect() {
        for (String file : new String[] {"/proc/sys/kernel/random/boot_id", "/etc/machine-id"}) {
            try {
                String id = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip();
                if (!id.isEmpty() && id.indexOf(';') < 0) {
                    return id;
                }
            } catch (IOException | SecurityException e) {
                // not Linux, or not readable: the next source
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName().replace(';', '_');
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
