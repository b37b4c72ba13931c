package org.fos.cluster.impl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.fos.transport.api.ClusterSecret;

/**
 * Seals the token of a name entry's capability before it goes into ZooKeeper, and opens it again
 * (ADR 0081): AES-256-GCM under a key derived from the cluster secret, with the entry's name, node,
 * mailbox, rights and registration id as associated data. ZooKeeper therefore holds addresses, never
 * a usable capability: whoever reads it without the secret learns no token, and an entry that was
 * written without the secret, or moved to another name, node or mailbox, does not open. Thread-safe.
 */
final class TokenSeal {
    /** The label under which the sealing key is derived from the cluster secret. */
    static final String KEY_LABEL = "fos-names-seal-v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    TokenSeal(ClusterSecret secret, String cluster) {
        byte[] k = HexFormat.of().parseHex(Objects.requireNonNull(secret, "secret").derive(KEY_LABEL, cluster).toHex());
        this.key = new SecretKeySpec(k, "AES");
    }

    /**
     * Seals a token.
     *
     * @param high the token's high 64 bits
     * @param low the token's low 64 bits
     * @param context what the token belongs to (the entry's name, node, mailbox, rights and id)
     * @return nonce, ciphertext and tag, Base64
     */
    String seal(long high, long low, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(ByteBuffer.allocate(16).putLong(high).putLong(low).array());
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot seal with AES/GCM", e);
        }
    }

    /**
     * Opens a sealed token.
     *
     * @param sealed what {@link #seal} returned
     * @param context the same context
     * @return the token's two halves
     * @throws IllegalArgumentException if it is not Base64, too short, or does not open: sealed under
     *         another cluster secret, changed, or for another context
     */
    long[] open(String sealed, String context) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealed token is not Base64", e);
        }
        if (bytes.length != NONCE_BYTES + 16 + TAG_BITS / 8) {
            throw new IllegalArgumentException("the sealed token has " + bytes.length + " bytes, not " + (NONCE_BYTES + 16 + TAG_BITS / 8));
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            ByteBuffer token = ByteBuffer.wrap(c.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES));
            return new long[] {token.getLong(), token.getLong()};
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("the sealed token does not open with this cluster's secret (another secret, or an entry"
                    + " written or changed without it)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot open AES/GCM", e);
        }
    }
}
