package org.fos.transport.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mutual challenge with which the two ends of a link prove to each other that they hold the
 * {@link ClusterSecret} (ADR 0061). Each end sends, in its HELLO, its node id, its kernel epoch and a
 * fresh random nonce ({@link #newNonce()}); once it has the other end's HELLO, it sends a proof
 * ({@link #prove}): an HMAC-SHA256 under the secret over the cluster name and both ends' ids, epochs
 * and nonces, the prover's first. The other end checks it with {@link #verify}. The verifier's own
 * fresh nonce makes an old proof useless (no replay); the order of the ends makes a proof useless in
 * the other direction (no reflection); the cluster name keeps two clusters with one secret apart.
 * Neither end sees anything from which the secret could be found.
 *
 * <p>Transports carry the nonce and the proof in their own frames; this class only computes and
 * checks. Immutable and thread-safe.
 */
public final class LinkChallenge {

    /** The length of a nonce in bytes. */
    public static final int NONCE_BYTES = 32;
    /** The length of a proof in bytes. */
    public static final int PROOF_BYTES = 32;
    private static final byte[] LABEL = "fos-link-proof-v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One end of a link as its HELLO describes it.
     *
     * @param node the end's node id
     * @param epoch the end's kernel epoch
     * @param nonce the fresh nonce the end sent in its HELLO, {@value #NONCE_BYTES} bytes
     */
    public record End(String node, long epoch, byte[] nonce) {

        /**
         * Checks the parts.
         *
         * @param node the node id
         * @param epoch the epoch
         * @param nonce the nonce
         * @throws IllegalArgumentException if the nonce does not have {@value #NONCE_BYTES} bytes
         */
        public End {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(nonce, "nonce");
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("a link nonce has " + NONCE_BYTES + " bytes, not " + nonce.length);
            }
        }
    }

    private final SecretKeySpec key;
    private final byte[] cluster;

    /**
     * Prepares the challenge of one cluster.
     *
     * @param secret the cluster secret
     * @param cluster the cluster's name
     */
    public LinkChallenge(ClusterSecret secret, String cluster) {
        this.key = new SecretKeySpec(Objects.requireNonNull(secret, "secret").key(), "HmacSHA256");
        this.cluster = Objects.requireNonNull(cluster, "cluster").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns a fresh random nonce for a HELLO.
     *
     * @return {@value #NONCE_BYTES} random bytes
     */
    public static byte[] newNonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    /**
     * Computes the proof that {@code prover} holds the secret, for {@code verifier}.
     *
     * @param prover the end that proves (this node, with the nonce it sent)
     * @param verifier the end that checks (the peer, with the nonce it sent)
     * @return {@value #PROOF_BYTES} bytes
     */
    public byte[] prove(End prover, End verifier) {
        Objects.requireNonNull(prover, "prover");
        Objects.requireNonNull(verifier, "verifier");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(LABEL);
            field(mac, cluster);
            end(mac, prover);
            end(mac, verifier);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute HmacSHA256", e);
        }
    }

    /**
     * Checks a proof that {@code prover} holds the secret (in constant time).
     *
     * @param prover the end that proves (the peer, with the nonce it sent)
     * @param verifier the end that checks (this node, with the nonce it sent)
     * @param proof the proof the peer sent
     * @return true if the peer holds this cluster's secret and answered this very challenge
     */
    public boolean verify(End prover, End verifier, byte[] proof) {
        return proof != null && proof.length == PROOF_BYTES && MessageDigest.isEqual(prove(prover, verifier), proof);
    }

    private static void end(Mac mac, End e) {
        field(mac, e.node().getBytes(StandardCharsets.UTF_8));
        mac.update(ByteBuffer.allocate(8).putLong(0, e.epoch()));
        field(mac, e.nonce());
    }

    /** A length before every variable field, so that no two different inputs read alike. */
    private static void field(Mac mac, byte[] bytes) {
        mac.update(ByteBuffer.allocate(4).putInt(0, bytes.length));
        mac.update(bytes);
    }
}
