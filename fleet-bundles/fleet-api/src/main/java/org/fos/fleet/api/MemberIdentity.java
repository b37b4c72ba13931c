package org.fos.fleet.api;

import org.fos.kernel.api.Address;

/**
 * Which member of a fleet an instance serves.
 *
 * @param fleet the fleet's name
 * @param index the member's number on its node, from 0
 * @param members how many members the fleet has on this node
 * @param address the member's mailbox
 */
public record MemberIdentity(String fleet, int index, int members, Address address) {
}
