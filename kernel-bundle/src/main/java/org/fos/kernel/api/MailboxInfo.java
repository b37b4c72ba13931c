package org.fos.kernel.api;

/**
 * A snapshot of one mailbox's state and counters.
 *
 * @param address the mailbox's address
 * @param label the label given at creation
 * @param ownerBundleId the id of the bundle that owns it (0: the kernel)
 * @param capacity how many messages it holds at most
 * @param depth how many messages wait in it
 * @param sent how many messages it accepted since it was created
 * @param received how many messages were taken out of it
 * @param rejectedFull how many sends it refused because it was full
 * @param rejectedCapability how many operations on it were refused for a bad capability
 */
public record MailboxInfo(Address address, String label, long ownerBundleId, int capacity, int depth,
        long sent, long received, long rejectedFull, long rejectedCapability) {
}
