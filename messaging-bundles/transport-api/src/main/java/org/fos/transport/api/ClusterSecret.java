package org.fos.transport.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every node of a cluster holds, with which the nodes prove to each other at a link's
 * handshake that they belong to the cluster ({@link LinkChallenge}). It lives in a file that only the
 * node's user can read, named by the transport configuration attribute {@value #CONFIG_KEY}; the file
 * holds the secret as hexadecimal text, at least {@value #MIN_BYTES} bytes of it.
 *
 * <p>The secret itself never leaves this object: {@link #toString()} and {@link #fingerprint()} show a
 * short hash that tells two secrets apart without revealing them. Immutable and thread-safe.
 */
public final class ClusterSecret {

    /** The configuration attribute, in every transport's configuration, that names the secret's file. */
    public static final String CONFIG_KEY = "clusterSecret";
    /** The fewest bytes a secret may have. */
    public static final int MIN_BYTES = 32;
    /** The most bytes a secret may have (its file is read whole). */
    public static final int MAX_BYTES = 1024;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final byte[] key;

    private ClusterSecret(byte[] key) {
        this.key = key;
    }

    /**
     * Makes a secret from bytes (tests, and a node that receives its secret some other way).
     *
     * @param key the secret's bytes; copied
     * @return the secret
     * @throws IllegalArgumentException if it has fewer than {@value #MIN_BYTES} or more than {@value #MAX_BYTES} bytes
     */
    public static ClusterSecret of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("a cluster secret needs " + MIN_BYTES + " to " + MAX_BYTES + " bytes, not " + key.length);
        }
        return new ClusterSecret(key.clone());
    }

    /**
     * Reads a secret from its file. On a file system with POSIX permissions the file must be a
     * regular file that neither the group nor others may read or write.
     *
     * @param file the file, holding hexadecimal text (white space around it is ignored)
     * @return the secret
     * @throws IllegalArgumentException naming the file and what is wrong with it: missing, not a
     *         regular file, open to the group or others, unreadable, not hexadecimal, too short or too long
     */
    public static ClusterSecret read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("the cluster secret file " + file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist") + " (bin/fos-cluster makes one; or write " + MIN_BYTES + " random bytes as hexadecimal"
                    + " text into a file only the node's user can read)");
        }
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (posix != null) {
                Set<PosixFilePermission> open = posix.readAttributes().permissions();
                open.removeAll(OWNER_ONLY);
                open.remove(PosixFilePermission.OWNER_EXECUTE);
                if (!open.isEmpty()) {
                    throw new IllegalArgumentException("the cluster secret file " + file + " may be used by others ("
                            + PosixFilePermissions.toString(posix.readAttributes().permissions()) + "): allow its owner only (chmod 600)");
                }
            }
            if (Files.size(file) > 2L * MAX_BYTES + 64) {
                throw new IllegalArgumentException("the cluster secret file " + file + " holds " + Files.size(file)
                        + " bytes: a secret has at most " + MAX_BYTES + " bytes (" + 2 * MAX_BYTES + " hexadecimal digits)");
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            byte[] bytes;
            try {
                bytes = HexFormat.of().parseHex(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the cluster secret file " + file + " does not hold hexadecimal text: " + e.getMessage(), e);
            }
            if (bytes.length < MIN_BYTES) {
                throw new IllegalArgumentException("the cluster secret in " + file + " has " + bytes.length + " bytes; it needs at least "
                        + MIN_BYTES);
            }
            return of(bytes);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the cluster secret file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the cluster secret file " + file + " cannot be read: " + e, e);
        }
    }

    /**
     * Makes a new random secret of {@value #MIN_BYTES} bytes and writes it to a file that only its
     * owner may read (written whole or not at all).
     *
     * @param file the file; must not exist
     * @return the new secret
     * @throws IOException if the file exists or cannot be written
     */
    public static ClusterSecret generate(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null, "a cluster secret is never overwritten");
        }
        byte[] key = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(key);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".secret", ".tmp");
        try {
            if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            }
            Files.writeString(tmp, HexFormat.of().formatHex(key) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new ClusterSecret(key);
    }

    /**
     * Derives another secret from this one: HMAC-SHA256 under this secret over the label and the
     * context, each length-prefixed. Whoever holds this secret can derive it again; whoever holds only
     * the derived one learns nothing about this one. A client ticket's key is derived this way from the
     * cluster secret and the ticket's claims, so that every node can check a client's proof without a
     * table of tickets, and a ticket whose claims were changed proves nothing.
     *
     * @param label what the derived secret is for, such as {@code fos-client-ticket-v1}
     * @param context what it is bound to, such as the cluster name and the ticket's claims
     * @return a secret of 32 bytes
     * @since 1.1
     */
    public ClusterSecret derive(String label, String context) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(context, "context");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (String part : new String[] {label, context}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(0, bytes.length));
                mac.update(bytes);
            }
            return new ClusterSecret(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute HmacSHA256", e);
        }
    }

    /**
     * Returns the secret's bytes as hexadecimal text, for a file that holds it (a client ticket holds
     * its derived key this way). Whoever reads the text holds the secret.
     *
     * @return the hexadecimal digits
     * @since 1.1
     */
    public String toHex() {
        return HexFormat.of().formatHex(key);
    }

    /**
     * Reads a secret from hexadecimal text, as {@link #toHex()} writes it.
     *
     * @param hex the digits
     * @return the secret
     * @throws IllegalArgumentException if the text is not hexadecimal or the secret too short or long
     * @since 1.1
     */
    public static ClusterSecret ofHex(String hex) {
        Objects.requireNonNull(hex, "hex");
        byte[] bytes;
        try {
            bytes = HexFormat.of().parseHex(hex.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret must be hexadecimal text: " + e.getMessage(), e);
        }
        return of(bytes);
    }

    /** The key, for {@link LinkChallenge}; not copied, never changed. */
    byte[] key() {
        return key;
    }

    /**
     * Returns a short hash of the secret: equal on two nodes if and only if (with overwhelming
     * probability) their secrets are equal; it reveals nothing that helps to find the secret.
     *
     * @return 16 hexadecimal digits
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("fos-cluster-secret-fingerprint".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterSecret[" + fingerprint() + "]";
    }
}
