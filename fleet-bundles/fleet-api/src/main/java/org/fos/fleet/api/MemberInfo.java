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
 */
public record MemberInfo(int index, Address address, int depth, long served, long failed) {
}
