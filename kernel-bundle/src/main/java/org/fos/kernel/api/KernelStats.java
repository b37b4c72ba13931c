package org.fos.kernel.api;

import java.util.Map;

/**
 * A snapshot of a node's kernel counters.
 *
 * @param nodeId the node's id
 * @param mailboxes how many mailboxes are open
 * @param mailboxesCreated how many mailboxes were created since the kernel started
 * @param sent how many messages mailboxes of this node accepted, closed ones included
 * @param received how many messages were taken out of mailboxes of this node, closed ones included
 * @param forwarded how many messages were handed to transports for other nodes
 * @param capabilities how many capabilities the kernel's table holds
 * @param names how many name registrations the bundles of this node hold
 * @param rejections how many operations were refused, by status (every status but
 *        {@link Status#OK} is present, most of them with 0)
 */
public record KernelStats(String nodeId, int mailboxes, long mailboxesCreated, long sent, long received,
        long forwarded, int capabilities, int names, Map<Status, Long> rejections) {

    /**
     * Returns the count of one kind of rejection.
     *
     * @param status the status
     * @return how often operations were refused with it
     */
    public long rejected(Status status) {
        return rejections.getOrDefault(status, 0L);
    }
}
