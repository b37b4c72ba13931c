package org.fos.transport.api;

/**
 * The layout of the fixed frame header of the fos wire protocol, version {@value #VERSION}
 * ({@code docs/wire.md}), shared by the transports: TCP writes the frames into a byte stream, shared
 * memory writes each frame as one message of a log buffer. Every frame is this 64-byte header followed
 * by {@code bodyLength} bytes. All numbers are big-endian (network order); the longs sit on 8-byte
 * boundaries.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'F' 'O' 'S' 'W'                   |  0
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |  Frame type   |             Flags             |  4
 *  +---------------+---------------+-------------------------------+
 *  |                Body length (bytes after the header)           |  8
 *  +---------------------------------------------------------------+
 *  |                 Capability rights (Right bits)                | 12
 *  +---------------------------------------------------------------+
 *  |                   Sequence number (64 bits)                   | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Source mailbox (64 bits)                    | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Destination mailbox (64 bits)                 | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Capability token, high 64 bits                   | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Capability token, low 64 bits                    | 48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Correlation id (64 bits)                     | 56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Body (bodyLength bytes)                 ...  64
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Which fields a frame type uses, and what its body holds, is said at each type's constant. Fields
 * a type does not use are written as 0 and not read. Only this header is hand-written; payloads are
 * bytes of the node's {@code PayloadCodec}. Constants only; not instantiable.
 */
public final class FrameDescriptor {

    /** The magic number that starts every frame: ASCII {@code FOSW}. */
    public static final int MAGIC = 0x464F5357;
    /** The protocol version this transport speaks. */
    public static final byte VERSION = 1;
    /** The length of the fixed header in bytes. */
    public static final int HEADER_LENGTH = 64;

    /**
     * The handshake, the first frame each side sends. Body: kernel epoch (8), protocol version (2),
     * node id (string), cluster name (string), and with {@link #FLAG_CHALLENGE} the sender's nonce
     * ({@value LinkChallenge#NONCE_BYTES} bytes). Header fields past the body length are 0.
     */
    public static final byte TYPE_HELLO = 1;
    /**
     * A message of the link. Header: sequence number, source mailbox (0 if none), destination mailbox,
     * capability rights and token (the destination capability), correlation id. Body: message type
     * (string), the sender's node (string, if {@link #FLAG_FROM}), the reply capability (if
     * {@link #FLAG_REPLY_TO}: node string, mailbox 8, rights 4, token 16), then the codec's payload
     * bytes to the end of the body.
     */
    public static final byte TYPE_DATA = 2;
    /**
     * A cumulative acknowledgement: every message of the link up to the sequence number was delivered.
     * With {@link #FLAG_GAP} it also says that messages after that number were dropped (a full mailbox,
     * a missing earlier message), so the sender must transmit them again. Body: empty.
     */
    public static final byte TYPE_ACK = 3;
    /** Keeps an idle connection alive and proves the peer is there. Body: empty. */
    public static final byte TYPE_HEARTBEAT = 4;
    /**
     * The proof that the sender holds the cluster secret, answering the receiver's HELLO nonce
     * ({@link LinkChallenge}); sent once after a HELLO with {@link #FLAG_CHALLENGE}. Body: the proof,
     * {@value LinkChallenge#PROOF_BYTES} bytes.
     */
    public static final byte TYPE_AUTH = 5;
    /**
     * The sender refuses the connection and closes it: sent at most once, so that the other end learns
     * at once why (a bad ticket, another cluster, a limit) instead of waiting for a timeout. Body: the
     * fault's name (string), then what was wrong (string).
     */
    public static final byte TYPE_REFUSE = 6;
    /** The highest frame type of this version. */
    public static final byte MAX_TYPE = TYPE_REFUSE;

    /** DATA flag: the message has a sender address (source mailbox in the header, node in the body). */
    public static final int FLAG_FROM = 1;
    /** DATA flag: the message has a reply capability (in the body). */
    public static final int FLAG_REPLY_TO = 1 << 1;
    /** ACK flag: frames after the acknowledged number were dropped; send them again. */
    public static final int FLAG_GAP = 1 << 2;
    /**
     * HELLO flag: the body ends with the sender's fresh nonce ({@value LinkChallenge#NONCE_BYTES}
     * bytes), and the sender expects an AUTH frame answering it before anything else.
     */
    public static final int FLAG_CHALLENGE = 1 << 3;
    /**
     * HELLO flag: the sender is a client, not a node of the cluster (a plain JVM with a client ticket);
     * with {@link #FLAG_CHALLENGE} the body ends, after the nonce, with the ticket's claims (string),
     * from which the receiver derives the key the client proves ({@link ClusterSecret#derive}).
     */
    public static final int FLAG_CLIENT = 1 << 4;

    /** Offset of the magic number (int). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the protocol version (byte). */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the frame type (byte). */
    public static final int TYPE_OFFSET = 5;
    /** Offset of the flags (unsigned short). */
    public static final int FLAGS_OFFSET = 6;
    /** Offset of the body length (int). */
    public static final int BODY_LENGTH_OFFSET = 8;
    /** Offset of the destination capability's rights (int). */
    public static final int RIGHTS_OFFSET = 12;
    /** Offset of the sequence number (long). */
    public static final int SEQUENCE_OFFSET = 16;
    /** Offset of the source mailbox (long). */
    public static final int SOURCE_MAILBOX_OFFSET = 24;
    /** Offset of the destination mailbox (long). */
    public static final int DESTINATION_MAILBOX_OFFSET = 32;
    /** Offset of the high 64 bits of the destination capability's token (long). */
    public static final int TOKEN_HIGH_OFFSET = 40;
    /** Offset of the low 64 bits of the destination capability's token (long). */
    public static final int TOKEN_LOW_OFFSET = 48;
    /** Offset of the correlation id (long). */
    public static final int CORRELATION_ID_OFFSET = 56;

    /** The most bytes a string of a body may take (node ids, cluster names, message types). */
    public static final int MAX_STRING_BYTES = 1024;
    /**
     * The longest body of a HELLO: epoch, version, node id, cluster name, nonce and ticket claims,
     * each string at its longest.
     */
    public static final int MAX_HELLO_BODY = 8 + 2 + 3 * (2 + MAX_STRING_BYTES) + LinkChallenge.NONCE_BYTES;

    private FrameDescriptor() {
    }

    /**
     * Returns the flags a frame type may carry; any other bit makes the frame malformed.
     *
     * @param type a frame type
     * @return the mask of allowed flags
     */
    public static int allowedFlags(byte type) {
        return switch (type) {
            case TYPE_HELLO -> FLAG_CHALLENGE | FLAG_CLIENT;
            case TYPE_DATA -> FLAG_FROM | FLAG_REPLY_TO;
            case TYPE_ACK -> FLAG_GAP;
            default -> 0;
        };
    }

    /**
     * Tells whether a byte is a frame type of this version.
     *
     * @param type the byte
     * @return true for HELLO, DATA, ACK, HEARTBEAT, AUTH and REFUSE
     */
    public static boolean isKnownType(byte type) {
        return type >= TYPE_HELLO && type <= MAX_TYPE;
    }

    /**
     * Tells whether a body length fits a frame type, so that a reader can refuse a frame from its
     * header alone: ACK and HEARTBEAT have no body, AUTH exactly {@value LinkChallenge#PROOF_BYTES}
     * bytes, HELLO at most {@link #MAX_HELLO_BODY}, REFUSE at most two strings; DATA is bounded only by
     * the transport's frame limit.
     *
     * @param type a known frame type
     * @param bodyLength the body length from the header
     * @return true if a frame of that type may have that body length
     * @since 1.1
     */
    public static boolean isValidBodyLength(byte type, int bodyLength) {
        if (bodyLength < 0) {
            return false;
        }
        return switch (type) {
            case TYPE_ACK, TYPE_HEARTBEAT -> bodyLength == 0;
            case TYPE_AUTH -> bodyLength == LinkChallenge.PROOF_BYTES;
            case TYPE_HELLO -> bodyLength >= 8 + 2 + 2 + 2 && bodyLength <= MAX_HELLO_BODY;
            case TYPE_REFUSE -> bodyLength >= 4 && bodyLength <= 2 * (2 + MAX_STRING_BYTES);
            default -> true;
        };
    }

    /**
     * Returns the length of a whole frame.
     *
     * @param bodyLength the body length
     * @return header plus body
     */
    public static int frameLength(int bodyLength) {
        return HEADER_LENGTH + bodyLength;
    }

    /**
     * Names a frame type for logs and counters.
     *
     * @param type the frame type
     * @return its name, or {@code type-N}
     */
    public static String typeName(byte type) {
        return switch (type) {
            case TYPE_HELLO -> "HELLO";
            case TYPE_DATA -> "DATA";
            case TYPE_ACK -> "ACK";
            case TYPE_HEARTBEAT -> "HEARTBEAT";
            case TYPE_AUTH -> "AUTH";
            case TYPE_REFUSE -> "REFUSE";
            default -> "type-" + (type & 0xFF);
        };
    }
}
