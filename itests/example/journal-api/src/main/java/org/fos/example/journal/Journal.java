package org.fos.example.journal;

import java.util.List;

import org.fos.rpc.api.Idempotent;
import org.fos.rpc.api.Key;

/**
 * A journal: named streams of numbers, each stream kept by one member of the fleet (chosen by the
 * stream's name), appended to in order.
 */
public interface Journal {
    /** The fleet's name. */
    String NAME = "/app/journal";

    /**
     * Appends an entry to a stream.
     *
     * @param stream the stream's name
     * @param entry the entry
     * @return how many entries the stream holds now
     */
    long append(@Key String stream, long entry);

    /**
     * Reads a stream.
     *
     * @param stream the stream's name
     * @return its entries, oldest first; empty if it has none
     */
    @Idempotent
    List<Long> read(@Key String stream);

    /**
     * Tells which version of the journal serves.
     *
     * @return the implementation's version
     */
    @Idempotent
    String version();
}
