package org.fos.cluster.impl;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.fos.kernel.api.Address;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.NameEntry;
import org.fos.kernel.api.Names;

/**
 * Writes what fos keeps in ZooKeeper as {@code java.util.Properties} text: node attributes, and name
 * entries. A name entry holds its address, rights and registration, and its capability's token only
 * sealed ({@link TokenSeal}, ADR 0081), and its member capability ({@link NameEntry#member()}) sealed the
 * same way. Reading checks every field; a malformed znode, or one whose
 * token does not open with this cluster's secret, is refused with a message, never trusted.
 */
final class EntryCodec {
    private static final String PROPERTY = "p.";
    /** Added to a member capability's seal context, so that its token cannot pass for the entry's and back. */
    private static final String MEMBER_CONTEXT = "\nmember";

    private EntryCodec() {
    }

    static byte[] write(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(new TreeMap<>(values));
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // drop the date comment Properties writes, so equal values give equal bytes
        String text = w.toString().replaceFirst("(?m)^#.*\\R", "");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> read(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Map.of();
        }
        if (bytes.length > 64 * 1024) {
            throw new IllegalArgumentException("znode data of " + bytes.length + " bytes is larger than 64 KiB");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("znode data is not properties text: " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    static byte[] entry(NameEntry e, TokenSeal seal) {
        Map<String, String> m = new HashMap<>();
        m.put("name", e.name());
        m.put("id", Long.toString(e.registrationId()));
        Capability c = e.capability();
        m.put("node", c.address().node());
        m.put("mailbox", Long.toString(c.address().mailbox()));
        m.put("rights", Integer.toString(c.rights()));
        m.put("sealed", seal.seal(c.tokenHigh(), c.tokenLow(), context(e.name(), c.address().node(), c.address().mailbox(), c.rights(),
                e.registrationId())));
        Capability member = e.member();
        if (member != null) {
            m.put("member.rights", Integer.toString(member.rights()));
            m.put("member.sealed", seal.seal(member.tokenHigh(), member.tokenLow(), context(e.name(), c.address().node(),
                    c.address().mailbox(), member.rights(), e.registrationId()) + MEMBER_CONTEXT));
        }
        e.properties().forEach((k, v) -> {
            if (!k.equals(NameEntry.MEMBER)) {
                m.put(PROPERTY + k, v);
            }
        });
        return write(m);
    }

    static NameEntry entry(byte[] bytes, TokenSeal seal) {
        Map<String, String> m = read(bytes);
        try {
            String name = Names.requireValidName(need(m, "name"));
            String node = need(m, "node");
            long mailbox = Long.parseLong(need(m, "mailbox"));
            int rights = Integer.parseInt(need(m, "rights"));
            long id = Long.parseLong(need(m, "id"));
            long[] token = seal.open(need(m, "sealed"), context(name, node, mailbox, rights, id));
            Capability c = new Capability(new Address(node, mailbox), rights, token[0], token[1]);
            Map<String, String> props = new HashMap<>();
            m.forEach((k, v) -> {
                if (k.startsWith(PROPERTY)) {
                    props.put(k.substring(PROPERTY.length()), v);
                }
            });
            props.remove(NameEntry.MEMBER); // a member capability comes sealed or not at all
            NameEntry entry = new NameEntry(name, c, id, props);
            String sealedMember = m.get("member.sealed");
            if (sealedMember == null) {
                return entry;
            }
            int memberRights = Integer.parseInt(need(m, "member.rights"));
            long[] memberToken = seal.open(sealedMember, context(name, node, mailbox, memberRights, id) + MEMBER_CONTEXT);
            return entry.withMember(new Capability(new Address(node, mailbox), memberRights, memberToken[0], memberToken[1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed name entry in ZooKeeper: " + e.getMessage(), e);
        }
    }

    /** What a sealed token is bound to: everything of the entry that says where the capability leads. */
    private static String context(String name, String node, long mailbox, int rights, long id) {
        return name + "\n" + node + "\n" + mailbox + "\n" + rights + "\n" + id;
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("name entry in ZooKeeper lacks '" + key + "'");
        }
        return v;
    }

    /** A name as one znode name: its slashes become '|', which names cannot hold. */
    static String znode(String name) {
        return name.replace('/', '|');
    }

    static String name(String znode) {
        return znode.replace('|', '/');
    }

    /** The znode name of an entry under its name: node and registration id. */
    static String member(NameEntry e) {
        return e.address().node() + "~" + e.registrationId();
    }
}
