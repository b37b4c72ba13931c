package org.fos.fs.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a client that caches lookups and attributes under leases serves, on a mailbox of its own whose
 * capability (with the {@code SEND} and {@code CALL} rights) it names in
 * {@link FileSystemFleet#leasedWalk}: the member calls it back before a change to what a lease
 * covers returns to the change's caller.
 */
@ConsumerType
public interface LeaseHolder {

    /**
     * Ends the leases on some inodes: the holder forgets the entries of these directories and the
     * attributes of these inodes, and takes no answer of a call it made before this one into its
     * cache. The member waits for the answer, or for the lease's end if none comes.
     *
     * @param fleet the file-system fleet's name, such as {@value FileSystemFleet#NAME}
     * @param inodes the inodes whose leases end
     * @return completes once the holder has forgotten them
     */
    CompletionStage<Void> revoke(String fleet, List<Long> inodes);
}
