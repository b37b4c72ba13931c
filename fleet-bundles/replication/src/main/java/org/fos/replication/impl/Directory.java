package org.fos.replication.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.ratis.protocol.RaftGroupId;

/**
 * Which fleet and group each Raft group id of this node stands for, kept in
 * {@code data/raft/directory} (one line a group: id, group number, fleet name), so that Ratis can
 * find a group's fleet when it loads the group at start, before the fleet's implementation is bound.
 * A fleet's entries are written when the fleet is first opened on this node, before any of its groups
 * can reach the node. Thread-safe.
 */
final class Directory {

    /** A group: its fleet and number. */
    record Identity(String fleet, int group) {
        @Override
        public String toString() {
            return fleet + "#" + group;
        }
    }

    private final Path file;
    private final Map<RaftGroupId, Identity> groups = new ConcurrentHashMap<>();

    Directory(Path file) {
        this.file = file;
        if (Files.exists(file)) {
            try {
                int n = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] parts = line.split(" ", 3);
                    if (parts.length != 3) {
                        throw new IllegalStateException(file + " line " + n + " is malformed: '" + line + "'");
                    }
                    groups.put(RaftGroupId.valueOf(java.util.UUID.fromString(parts[0])),
                            new Identity(parts[2], Integer.parseInt(parts[1])));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(file + " is malformed: " + e.getMessage(), e);
            }
        }
    }

    Identity identity(RaftGroupId id) {
        return groups.get(id);
    }

    /** Records the groups of a fleet, and writes the file if that adds any. */
    synchronized void record(String fleet, int count) {
        boolean added = false;
        for (int g = 0; g < count; g++) {
            added |= groups.putIfAbsent(GroupIds.of(fleet, g), new Identity(fleet, g)) == null;
        }
        if (added) {
            write();
        }
    }

    private void write() {
        List<String> lines = new ArrayList<>();
        groups.forEach((id, identity) -> lines.add(id.getUuid() + " " + identity.group() + " " + identity.fleet()));
        lines.sort(null);
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".writing");
            Files.write(temporary, lines, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
