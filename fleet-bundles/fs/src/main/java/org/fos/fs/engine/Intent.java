package org.fos.fs.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.fos.fs.api.FileType;
import org.fos.fs.peers.Step;

/**
 * The record of a committed cross-group operation, kept in group 0's header: its sequence number
 * and the steps each group applies. Once it is durable the operation has happened: recovery
 * applies the steps of every group whose last applied number is lower.
 *
 * <pre>
 * sequence (long), step count (int), then per step: group (int), kind (byte), dir (long),
 * name length (short) and UTF-8 name, inode (long), type (byte: 0 none, 1 file, 2 directory),
 * parent (long), time (long), mode, uid, gid (ints)
 * </pre>
 *
 * @param seq the operation's sequence number, from 1
 * @param steps the steps, each with the group that applies it
 */
record Intent(long seq, List<GroupStep> steps) {

    /** A step and the group that applies it. */
    record GroupStep(int group, Step step) {
    }

    static final Intent NONE = new Intent(0, List.of());

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        b.putLong(seq).putInt(steps.size());
        for (GroupStep gs : steps) {
            Step s = gs.step();
            byte[] name = s.name() == null ? new byte[0] : s.name().getBytes(StandardCharsets.UTF_8);
            b.putInt(gs.group()).put((byte) s.kind().ordinal()).putLong(s.dir()).putShort((short) name.length).put(name)
                    .putLong(s.inode()).put((byte) (s.type() == null ? 0 : s.type().ordinal() + 1))
                    .putLong(s.parent()).putLong(s.timeMillis()).putInt(s.mode()).putInt(s.uid()).putInt(s.gid());
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static Intent decode(byte[] bytes) {
        if (bytes.length == 0) {
            return NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long seq = b.getLong();
        int n = b.getInt();
        List<GroupStep> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int group = b.getInt();
            Step.Kind kind = Step.Kind.values()[b.get()];
            long dir = b.getLong();
            byte[] name = new byte[b.getShort()];
            b.get(name);
            long inode = b.getLong();
            byte t = b.get();
            FileType type = t == 0 ? null : FileType.values()[t - 1];
            steps.add(new GroupStep(group, new Step(kind, dir, name.length == 0 ? null : new String(name, StandardCharsets.UTF_8),
                    inode, type, b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt())));
        }
        return new Intent(seq, steps);
    }

    /** The steps of one group, in order. */
    List<Step> stepsOf(int group) {
        List<Step> out = new ArrayList<>();
        for (GroupStep gs : steps) {
            if (gs.group() == group) {
                out.add(gs.step());
            }
        }
        return out;
    }

    List<Integer> groups() {
        List<Integer> out = new ArrayList<>();
        for (GroupStep gs : steps) {
            if (!out.contains(gs.group())) {
                out.add(gs.group());
            }
        }
        return out;
    }
}
