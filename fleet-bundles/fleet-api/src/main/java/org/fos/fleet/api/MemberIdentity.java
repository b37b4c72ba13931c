package org.fos.fleet.api;

import org.fos.kernel.api.Address;

/**
 * Which member of which fleet an instance serves.
 *
 * @param fleet the fleet's name
 * @param index the member's number, from 0
 * @param members how many members the fleet has
 * @param address the member's mailbox: a name resolution that picks this member returns a
 *        capability for this address
 */
public record MemberIdentity(String fleet, int index, int members, Address address) {
}
