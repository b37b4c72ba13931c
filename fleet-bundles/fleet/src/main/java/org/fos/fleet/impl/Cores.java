package org.fos.fleet.impl;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Space partitioning inside a node: which core each member of a pinned fleet runs on, and the
 * binding of the calling thread to it through OpenHFT's Java-Thread-Affinity (sched_setaffinity on
 * Linux). The library is optional: where it is not installed, or the OS refuses, the assignment is
 * still made and shown, with the reason it is not applied. Only this class touches the library.
 */
final class Cores {

    /** What binding a thread came to. */
    record Applied(int core, int threadId, String note) {
        /** Whether the OS binds the thread to the core. */
        boolean bound() {
            return note == null;
        }
    }

    private Cores() {
    }

    /**
     * Assigns a core to each member, in the order given, round-robin over the cores not kept for
     * clients: cores {@code clientCores} to {@code cores - 1}, or every core if that leaves none.
     *
     * @param cores the node's cores
     * @param clientCores how many of the first cores are kept for clients and the kernel
     * @param members the members to place, each once, in a stable order
     * @return the core of each member, in the same order
     */
    static <K> Map<K, Integer> plan(int cores, int clientCores, List<K> members) {
        if (cores < 1) {
            throw new IllegalArgumentException("a node has at least one core, not " + cores);
        }
        List<Integer> free = new ArrayList<>();
        for (int c = Math.min(Math.max(clientCores, 0), cores); c < cores; c++) {
            free.add(c);
        }
        if (free.isEmpty()) {
            for (int c = 0; c < cores; c++) {
                free.add(c);
            }
        }
        Map<K, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            out.put(members.get(i), free.get(i % free.size()));
        }
        return out;
    }

    /**
     * Binds the calling thread to one core, or to every core ({@code core < 0}).
     *
     * @param core the core, or -1 to run anywhere
     * @param cores the node's cores
     * @return what was done: the note says why it is not bound, else null
     */
    static Applied bindCurrentThread(int core, int cores) {
        BitSet wanted = new BitSet();
        if (core < 0) {
            wanted.set(0, cores);
        } else {
            wanted.set(core);
        }
        try {
            net.openhft.affinity.Affinity.setAffinity(wanted);
            BitSet now = net.openhft.affinity.Affinity.getAffinity();
            int tid = net.openhft.affinity.Affinity.getThreadId();
            return new Applied(core, tid, wanted.equals(now) ? null : "the OS kept the thread on cores " + now + " (asked for " + wanted + ")");
        } catch (NoClassDefFoundError missing) {
            return new Applied(core, -1, "recorded only: the thread-affinity library (bundle net.openhft.affinity with JNA) is not installed");
        } catch (RuntimeException | LinkageError refused) {
            return new Applied(core, -1, "recorded only: the OS or the library refused (" + refused + ")");
        }
    }
}
