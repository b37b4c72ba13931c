package org.fos.itests.fs;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.DirEntry;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.LeasedOpen;
import org.fos.fs.api.Opened;
import org.fos.fs.api.WalkLease;
import org.fos.fs.api.Walked;
import org.fos.kernel.api.Capability;
import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.MailboxInfo;
import org.fos.kernel.api.Right;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The node's {@code fos:} provider caches lookups and attributes under the members' leases: client A
 * (the provider of {@code FosFiles}) answers repeated stats of a path without a call to the members,
 * and once client B (another libfos client, calling the fleet's protocol) has changed the path and its
 * call has returned, A's very next call sees the change. A holder that never answers delays a change
 * by at most its lease (3 s by default). A file A opens to read comes with its first bytes under a lease
 * on its inode: A reads them with no call until the file changes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemLeasesIT extends DefaultFileSystemTest {
    private static final long LEASE_MILLIS = 3_000;

    /** Calls the members of /sys/fs received so far: what a cache saves. */
    private long memberCalls() {
        long n = 0;
        for (MailboxInfo m : kernel.mailboxes()) {
            if (m.label().startsWith(FileSystemFleet.NAME + "#")) {
                n += m.received();
            }
        }
        return n;
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** B: resolves a path with the plain protocol (no lease), member by member. */
    private static DirEntry resolve(FileSystemFleet b, String... names) throws Exception {
        List<String> todo = List.of(names);
        long dir = FileSystemFleet.ROOT;
        DirEntry at = null;
        while (!todo.isEmpty()) {
            Walked w = get(b.walk(FileSystemFleet.groupOf(dir), dir, todo));
            at = w.entry();
            dir = at.inode();
            todo = todo.subList(w.consumed(), todo.size());
        }
        return at;
    }

    /** Makes /leases/{name} holding a file f with {@code content}, and resolves the directory for B. */
    private DirEntry directoryWithF(FileSystemFleet b, String name, String content) throws Exception {
        Files.writeString(Files.createDirectories(path("/leases/" + name)).resolve("f"), content);
        return resolve(b, "leases", name);
    }

    private void assertServedFromCache(String what, Runnable call) {
        call.run();
        long before = memberCalls();
        for (int i = 0; i < 50; i++) {
            call.run();
        }
        long calls = memberCalls() - before;
        // without the cache each would be a walk (50); a few calls of the node's own (health, watchers) may come meanwhile
        assertTrue(what + ": 50 more calls answered from the cache, but the members got " + calls, calls < 10);
    }

    @Test
    public void aChangeByAnotherClientIsSeenByTheNextCallAfterItReturned() throws Exception {
        FileSystemFleet b = client(FileSystemFleet.class, FileSystemFleet.NAME);
        Path dir = Files.createDirectories(path("/leases/a"));
        Path f = Files.writeString(dir.resolve("f"), "hello");
        Files.writeString(dir.resolve("old"), "x");
        Files.writeString(dir.resolve("gone"), "y");
        DirEntry d = resolve(b, "leases", "a");
        int g = FileSystemFleet.groupOf(d.inode());

        assertServedFromCache("size", () -> assertEquals(5, size(f)));
        Opened o = get(b.open(g, d.inode(), "f", 0, 0, 0, 0));
        get(b.write(FileSystemFleet.groupOf(o.entry().inode()), o.entry().inode(), o.attributes().generation(), 5,
                " world".getBytes(StandardCharsets.UTF_8)));
        assertEquals("write: A's next call", 11, Files.size(f));
        get(b.close(FileSystemFleet.groupOf(o.entry().inode()), o.entry().inode(), o.attributes().generation()));

        assertServedFromCache("permissions", () -> assertEquals("rw-r--r--", permissions(f)));
        get(b.setAttributes(FileSystemFleet.groupOf(o.entry().inode()), o.entry().inode(), 0600, -1, -1));
        assertEquals("chmod: A's next call", "rw-------", permissions(f));

        assertServedFromCache("exists", () -> assertTrue(Files.exists(dir.resolve("old"))));
        get(b.rename(g, d.inode(), "old", d.inode(), "new", false));
        assertFalse("rename: A's next call", Files.exists(dir.resolve("old")));
        assertEquals("x", Files.readString(dir.resolve("new")));

        assertServedFromCache("exists", () -> assertTrue(Files.isRegularFile(dir.resolve("gone"))));
        get(b.delete(g, d.inode(), "gone"));
        assertFalse("delete: A's next call", Files.exists(dir.resolve("gone")));

        long modified = modified(dir);
        assertServedFromCache("directory times", () -> assertEquals(modified, modified(dir)));
        waitFor("the clock to pass the directory's time", () -> System.currentTimeMillis() > modified);
        get(b.mkdir(g, d.inode(), "sub", 0755, 0, 0));
        assertTrue("mkdir: A's next call sees the directory changed", modified(dir) > modified);
        assertTrue(Files.isDirectory(dir.resolve("sub")));
        assertFsckClean(FileSystemFleet.NAME);
    }

    @Test
    public void aClientSeesItsOwnChangesAtOnce() throws Exception {
        Path f = Files.writeString(Files.createDirectories(path("/leases/own")).resolve("f"), "12345");
        assertServedFromCache("size", () -> assertEquals(5, size(f)));
        Files.writeString(f, "1234567");
        assertEquals(7, Files.size(f));
        Files.move(f, f.resolveSibling("g"));
        assertFalse(Files.exists(f));
        assertEquals(7, Files.size(f.resolveSibling("g")));
        Files.delete(f.resolveSibling("g"));
        assertFalse(Files.exists(f.resolveSibling("g")));
    }

    @Test
    public void aFileOpenedToReadIsReadFromItsOpenUntilItChanges() throws Exception {
        FileSystemFleet b = client(FileSystemFleet.class, FileSystemFleet.NAME);
        Path dir = Files.createDirectories(path("/leases/content"));
        Path f = Files.writeString(dir.resolve("f"), "hello");
        DirEntry d = resolve(b, "leases", "content");
        int g = FileSystemFleet.groupOf(d.inode());

        try (FileChannel a = FileChannel.open(f, StandardOpenOption.READ)) {
            assertServedFromCache("read to the end", () -> assertEquals("hello", readAll(a)));
            assertServedFromCache("channel size", () -> assertEquals(5, size(a)));
            Opened o = get(b.open(g, d.inode(), "f", 0, 0, 0, 0));
            long inode = o.entry().inode();
            int generation = o.attributes().generation();
            get(b.write(FileSystemFleet.groupOf(inode), inode, generation, 5, " world".getBytes(StandardCharsets.UTF_8)));
            assertEquals("B's write: A's next read through the open it made before", "hello world", readAll(a));
            assertEquals(11, a.size());
            get(b.truncate(FileSystemFleet.groupOf(inode), inode, generation, 2));
            assertEquals("B's truncation", "he", readAll(a));
            get(b.close(FileSystemFleet.groupOf(inode), inode, generation));
        }

        try (FileChannel a = FileChannel.open(f, StandardOpenOption.READ)) {
            assertServedFromCache("read to the end", () -> assertEquals("he", readAll(a)));
            Files.writeString(f, "rewritten");
            assertEquals("A's own write through another open", "rewritten", readAll(a));
        }

        try (FileChannel a = FileChannel.open(f, StandardOpenOption.READ)) {
            assertServedFromCache("read to the end", () -> assertEquals("rewritten", readAll(a)));
            get(b.delete(g, d.inode(), "f"));
            assertFalse(Files.exists(f));
            assertEquals("a file deleted while open is read on through the open", "rewritten", readAll(a));
        }
        assertFsckClean(FileSystemFleet.NAME);
    }

    @Test
    public void aLeasedOpenChecksWhatItIsAsked() throws Exception {
        FileSystemFleet b = client(FileSystemFleet.class, FileSystemFleet.NAME);
        DirEntry d = directoryWithF(b, "asked", "0123456789");
        int g = FileSystemFleet.groupOf(d.inode());
        for (int bad : new int[] {-1, FileSystemFleet.MAX_IO_BYTES + 1, Integer.MIN_VALUE}) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> get(b.openLeased(g, d.inode(), "f", 0, 0, 0, 0, null, bad)));
            assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof IllegalArgumentException
                    && e.getCause().getMessage().contains("0 to " + FileSystemFleet.MAX_IO_BYTES + " bytes of content, not " + bad));
        }
        LeasedOpen none = get(b.openLeased(g, d.inode(), "f", 0, 0, 0, 0, null, 4));
        assertEquals("no holder, no lease", 0, none.leaseMillis());
        assertEquals("and no bytes", 0, none.head().length);
        get(b.close(FileSystemFleet.groupOf(none.opened().entry().inode()), none.opened().entry().inode(),
                none.opened().attributes().generation()));

        Mailbox holderBox = kernel.createMailbox("lease holder", 16);
        try {
            Capability holder = kernel.narrow(holderBox.capability(), EnumSet.of(Right.SEND, Right.CALL));
            LeasedOpen part = get(b.openLeased(g, d.inode(), "f", 0, 0, 0, 0, holder, 4));
            assertEquals(LEASE_MILLIS, part.leaseMillis());
            assertEquals("0123", new String(part.head(), StandardCharsets.UTF_8));
            LeasedOpen dirOpen = get(b.openLeased(FileSystemFleet.groupOf(FileSystemFleet.ROOT), FileSystemFleet.ROOT, "leases", 0, 0,
                    0, 0, holder, 4));
            assertEquals("a directory: no lease", 0, dirOpen.leaseMillis());
            get(b.close(FileSystemFleet.groupOf(part.opened().entry().inode()), part.opened().entry().inode(),
                    part.opened().attributes().generation()));
        } finally {
            holderBox.close();
        }
    }

    @Test
    public void aHolderThatNeverAnswersDelaysAChangeByAtMostItsLease() throws Exception {
        FileSystemFleet b = client(FileSystemFleet.class, FileSystemFleet.NAME);
        Path dir = path("/leases/dead");
        DirEntry d = directoryWithF(b, "dead", "x");
        // client B takes a lease, then hangs: its mailbox is never read; A (FosFiles) makes the change
        Mailbox hung = kernel.createMailbox("hung lease holder", 16);
        try {
            Capability holder = kernel.narrow(hung.capability(), EnumSet.of(Right.SEND, Right.CALL));
            long t0 = System.nanoTime();
            WalkLease lease = get(b.leasedWalk(FileSystemFleet.groupOf(d.inode()), d.inode(), List.of("f"), holder));
            assertEquals(LEASE_MILLIS, lease.leaseMillis());
            assertEquals("f", lease.path().get(0).name());
            assertEquals(lease.walked().entry(), lease.path().get(0));

            long start = System.nanoTime();
            Files.move(dir.resolve("f"), dir.resolve("f2"));
            long end = System.nanoTime();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(end - start);
            System.out.println("FileSystemLeasesIT: a rename waited " + tookMillis + " ms for a holder that does not answer");
            assertTrue("the rename waited for the lease's end (" + TimeUnit.NANOSECONDS.toMillis(end - t0) + " ms after the grant)",
                    end - t0 >= TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS));
            assertTrue("the rename waited at most about one lease: " + tookMillis + " ms", tookMillis <= LEASE_MILLIS + 2_000);
            assertEquals("the holder was called back", 1, hung.drain(m -> { }, 16));
        } finally {
            hung.close();
        }
        long start = System.nanoTime();
        Files.move(dir.resolve("f2"), dir.resolve("f3"));
        assertTrue("with no lease out, a change does not wait", System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS));
        assertTrue(Files.exists(dir.resolve("f3")));
    }

    @Test
    public void aBadLeaseConfigurationIsRefused() throws Exception {
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        Configuration c = cm.createFactoryConfiguration("org.fos.fs", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("fos.fleet.name", "/sys/fsbadlease");
        props.put("device", "ram0");
        props.put("fos.fleet.members", 1);
        props.put("format", false);
        props.put("leaseMillis", -5L);
        c.update(props);
        try {
            ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
            String failure = eventually("the bad configuration refused", Duration.ofSeconds(30), () -> {
                for (ComponentDescriptionDTO desc : scr.getComponentDescriptionDTOs()) {
                    for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(desc)) {
                        if ("/sys/fsbadlease".equals(cc.properties.get("fos.fleet.name")) && cc.failure != null) {
                            return cc.failure;
                        }
                    }
                }
                throw new AssertionError("no failed configuration of /sys/fsbadlease yet");
            });
            assertTrue(failure, failure.contains("leaseMillis must be 0 (no leases) to 60000, was -5"));
        } finally {
            c.delete();
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long size(FileChannel c) {
        try {
            return c.size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a channel from offset 0 to its end, as text. */
    private static String readAll(FileChannel c) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (c.read(buf, buf.position()) >= 0 && buf.hasRemaining()) {
                // on to the end
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String permissions(Path f) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
