package org.fos.replication.impl;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;

import org.apache.ratis.protocol.RaftGroupId;

/**
 * How groups are named and keys are given to groups, the same on every node and in every version:
 * a group's Raft id is derived from the fleet's name and the group's number, so that no node has to
 * tell another which id a group has; a key's group is a 64-bit FNV-1a hash of its bytes modulo the
 * group count.
 */
final class GroupIds {

    private GroupIds() {
    }

    /**
     * The Raft id of a fleet's group.
     *
     * @param fleet the fleet's name
     * @param group the group's number
     * @return the id
     */
    static RaftGroupId of(String fleet, int group) {
        String text = "fos-raft-group\u0000" + fleet + '\u0000' + group;
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The group of a key.
     *
     * @param key a {@code String}, {@code byte[]} or any value by its {@code toString()}
     * @param groups the group count
     * @return the group, from 0 to {@code groups - 1}
     */
    static int groupOf(Object key, int groups) {
        Objects.requireNonNull(key, "key");
        byte[] bytes = key instanceof byte[] b ? b : key.toString().getBytes(StandardCharsets.UTF_8);
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (int) Math.floorMod(h ^ (h >>> 32), (long) groups);
    }
}
