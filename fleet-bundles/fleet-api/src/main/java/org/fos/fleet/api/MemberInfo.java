package org.fos.fleet.api;

import org.fos.kernel.api.Address;

/**
 * A snapshot of one member of a fleet.
 *
 * @param index the member's number in the fleet, from 0
 * @param address its mailbox
 * @param depth how many requests wait in its mailbox
 * @param served how many requests it has dispatched
 * @param failed how many dispatches threw out of the dispatcher (a bug: a failing method is
 *        answered with an error, not counted here)
 * @param expired how many requests it dropped unrun because their caller's deadline had passed
 *        when it took them (answered {@code TIMEOUT}; counted in {@code served} too)
 */
public record MemberInfo(int index, Address address, int depth, long served, long failed, long expired) {
    /**
     * A member that dropped no request for its deadline.
     *
     * @param index the member's number
     * @param address its mailbox
     * @param depth its queue depth
     * @param served requests dispatched
     * @param failed dispatches that threw
     */
    public MemberInfo(int index, Address address, int depth, long served, long failed) {
        this(index, address, depth, served, failed, 0L);
    }
}
