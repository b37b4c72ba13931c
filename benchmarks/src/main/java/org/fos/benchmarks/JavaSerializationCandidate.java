package org.fos.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;

/**
 * The slow reference: Java object serialization. fos never uses it (DESIGN.md); it is here only so
 * that the numbers have a well-known upper mark. The kernel's {@code Capability} is not
 * {@code Serializable}, so the streams replace it by a serializable form and back.
 */
final class JavaSerializationCandidate implements Candidate {

    /**
     * The serializable stand-in for a capability.
     *
     * @param node the address's node
     * @param mailbox the address's mailbox
     * @param rights the rights
     * @param tokenHigh the token's high bits
     * @param tokenLow the token's low bits
     */
    private record CapabilityForm(String node, long mailbox, int rights, long tokenHigh, long tokenLow) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    @Override
    public byte[] encode(Object payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new Output(bytes)) {
            out.writeObject(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes) {
        try (ObjectInputStream in = new Input(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static final class Output extends ObjectOutputStream {
        Output(OutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof Capability c) {
                return new CapabilityForm(c.address().node(), c.address().mailbox(), c.rights(), c.tokenHigh(), c.tokenLow());
            }
            return obj;
        }
    }

    private static final class Input extends ObjectInputStream {
        Input(InputStream in) throws IOException {
            super(in);
            enableResolveObject(true);
        }

        @Override
        protected Object resolveObject(Object obj) {
            if (obj instanceof CapabilityForm f) {
                return new Capability(new Address(f.node(), f.mailbox()), f.rights(), f.tokenHigh(), f.tokenLow());
            }
            return obj;
        }
    }
}
