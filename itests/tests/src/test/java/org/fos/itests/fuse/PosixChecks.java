package org.fos.itests.fuse;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks of pjdfstest (which Debian does not package), a subset written here: for each system
 * call the tests of its effect and of its errors, made by host programs (coreutils, through the
 * kernel and FUSE) and by java.nio on the host's default file system (whose exceptions carry the
 * errno's text). Permission checks run as the user nobody (setpriv). Each check has a name; a
 * failure names its check.
 */
final class PosixChecks {
    private static final String[] NOBODY = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c"};

    private final FuseMount mount;
    private final Path dir;
    private final List<String> passed = new ArrayList<>();

    PosixChecks(FuseMount mount, Path dir) {
        this.mount = mount;
        this.dir = dir;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    private void check(String name, Check c) throws Exception {
        try {
            c.run();
        } catch (AssertionError | Exception e) {
            throw new AssertionError("POSIX check '" + name + "' failed: " + e, e);
        }
        passed.add(name);
    }

    private String sh(String script) throws Exception {
        return mount.run(dir, "sh", "-c", script);
    }

    /** Runs a script that must fail with a message containing {@code errno}'s text. */
    private void fails(String script, String errno) throws Exception {
        String out = mount.run(dir, -1, "sh", "-c", script + " 2>&1; echo \"exit=$?\"");
        assertFalse(script + " succeeded: " + out, out.strip().endsWith("exit=0"));
        assertTrue(script + " failed without '" + errno + "': " + out, out.contains(errno));
    }

    private String nobody(String script, int exit) throws Exception {
        String[] cmd = new String[NOBODY.length + 1];
        System.arraycopy(NOBODY, 0, cmd, 0, NOBODY.length);
        cmd[NOBODY.length] = script;
        return mount.run(dir, exit, cmd);
    }

    private static String reason(Exception e) {
        return e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    }

    List<String> runAll() throws Exception {
        check("mkdir makes a directory with the mode asked", () -> {
            sh("mkdir -m 0750 d1");
            assertEquals("750 directory", sh("stat -c '%a %F' d1").strip());
        });
        check("mkdir: EEXIST, ENOENT, ENOTDIR", () -> {
            fails("mkdir d1", "File exists");
            fails("mkdir missing/d", "No such file or directory");
            sh("echo x > plain");
            fails("mkdir plain/d", "Not a directory");
        });
        check("open(O_CREAT) makes a file of the mode asked, O_EXCL refuses an existing one", () -> {
            sh("umask 027; : > made");
            assertEquals("640 regular empty file", sh("stat -c '%a %F' made").strip());
            try {
                Files.createFile(dir.resolve("made"));
                throw new AssertionError("O_EXCL created an existing file");
            } catch (java.nio.file.FileAlreadyExistsException expected) {
                // EEXIST
            }
        });
        check("rmdir: removes an empty directory; ENOTEMPTY, ENOTDIR, ENOENT", () -> {
            sh("mkdir -p full/inner e");
            fails("rmdir full", "Directory not empty");
            fails("rmdir plain", "Not a directory");
            fails("rmdir none", "No such file or directory");
            sh("rmdir e");
            assertFalse(Files.exists(dir.resolve("e")));
        });
        check("unlink: removes a name; EISDIR for a directory, ENOENT", () -> {
            sh("echo x > u1 && unlink u1");
            assertFalse(Files.exists(dir.resolve("u1")));
            fails("unlink d1", "Is a directory");
            fails("unlink none", "No such file or directory");
        });
        check("link: one inode, two names, the link count; EPERM for a directory, EEXIST", () -> {
            sh("echo shared > l1 && ln l1 l2");
            assertEquals("2", sh("stat -c %h l1").strip());
            assertEquals(sh("stat -c %i l1"), sh("stat -c %i l2"));
            sh("rm l1");
            assertEquals("1 shared", (sh("stat -c %h l2").strip() + " " + sh("cat l2").strip()));
            try {
                Files.createLink(dir.resolve("dirlink"), dir.resolve("d1"));
                throw new AssertionError("a directory got a second link");
            } catch (FileSystemException e) {
                assertTrue(reason(e), reason(e).contains("Operation not permitted"));
            }
            fails("ln l2 plain", "File exists");
        });
        check("symlink and readlink; dangling links; ELOOP", () -> {
            sh("ln -s plain s1 && ln -s nowhere s2 && ln -s loop2 loop1 && ln -s loop1 loop2");
            assertEquals("plain", sh("readlink s1").strip());
            assertEquals("symbolic link", sh("stat -c %F s1").strip());
            assertEquals("x", sh("cat s1").strip());
            fails("cat s2", "No such file or directory");
            fails("cat loop1", "Too many levels of symbolic links");
            sh("echo made > s2");
            assertEquals("made", sh("cat nowhere").strip());
        });
        check("rename: replaces a file and an empty directory; ENOTEMPTY, EISDIR, ENOTDIR, EINVAL", () -> {
            sh("echo a > ra && echo b > rb && mv -f ra rb");
            assertEquals("a", sh("cat rb").strip());
            assertFalse(Files.exists(dir.resolve("ra")));
            sh("mkdir -p r1/x r2 r3");
            Files.move(dir.resolve("r2"), dir.resolve("r3"), StandardCopyOption.ATOMIC_MOVE);
            FileSystemException notEmpty = moveFails("r1", "full");
            assertTrue(String.valueOf(notEmpty), notEmpty instanceof java.nio.file.DirectoryNotEmptyException
                    || "Directory not empty".equals(reason(notEmpty)));
            assertEquals("Is a directory", reason(moveFails("rb", "r3")));
            assertEquals("Not a directory", reason(moveFails("r3", "rb")));
            assertEquals("Invalid argument", reason(moveFails("r1", "r1/x/inside")));
        });
        check("chmod: every bit, set-id and sticky too", () -> {
            sh("echo x > cm && chmod 4751 cm");
            assertEquals("4751", sh("stat -c %a cm").strip());
            sh("chmod 1777 d1");
            assertEquals("1777", sh("stat -c %a d1").strip());
        });
        check("chown: owner and group, each alone", () -> {
            sh("echo x > co && chown 1234:5678 co");
            assertEquals("1234:5678", sh("stat -c %u:%g co").strip());
            sh("chgrp 99 co");
            assertEquals("1234:99", sh("stat -c %u:%g co").strip());
        });
        check("truncate: grows with zeros and shrinks", () -> {
            sh("printf abcdef > tr && truncate -s 100000 tr");
            assertEquals("100000", sh("stat -c %s tr").strip());
            assertEquals("0", sh("tail -c 99994 tr | tr -d '\\000' | wc -c").strip());
            sh("truncate -s 3 tr");
            assertEquals("abc", sh("cat tr"));
        });
        check("names: 255 bytes are a name, 256 are ENAMETOOLONG", () -> {
            String ok = "n".repeat(255);
            sh(": > " + ok);
            assertTrue(Files.exists(dir.resolve(ok)));
            fails(": > " + ok + "n", "File name too long");
        });
        check("readdir lists every name once", () -> {
            sh("mkdir many && cd many && for i in $(seq 1 300); do : > f$i; done");
            assertEquals("300", sh("ls many | wc -l").strip());
            assertEquals("300", sh("ls many | sort -u | wc -l").strip());
        });
        check("permissions for another user: read yes, write no; no file in a directory not its own", () -> {
            sh("echo secret > mine && chmod 644 mine && mkdir -m 755 closed");
            assertEquals("secret", nobody("cat mine", 0).strip());
            String out = nobody("echo x >> mine", -1);
            assertTrue(out, out.contains("Permission denied"));
            out = nobody(": > closed/theirs", -1);
            assertTrue(out, out.contains("Permission denied"));
            out = nobody("chmod 777 mine", -1);
            assertTrue(out, out.contains("Operation not permitted"));
        });
        check("the sticky bit: another user's file in a sticky directory stays", () -> {
            sh("mkdir -m 1777 sticky && echo root > sticky/roots");
            nobody(": > sticky/theirs && rm sticky/theirs", 0);
            String out = nobody("rm -f sticky/roots", -1);
            assertTrue(out, out.contains("Operation not permitted"));
            assertTrue(Files.exists(dir.resolve("sticky/roots")));
        });
        check("statvfs: the space of the file system", () -> {
            String[] f = sh("stat -f -c '%b %f %S' .").strip().split(" ");
            assertTrue(Long.parseLong(f[0]) > 0 && Long.parseLong(f[1]) > 0 && f[2].equals("4096"));
        });
        check("utimensat: touch -d sets both times, -a the access time only, -m the modification time only, also right after a write", () -> {
            sh("echo t > times && touch -d @981173106 times");
            assertEquals("981173106 981173106", sh("stat -c '%X %Y' times").strip());
            sh("touch -a -d @1012709106 times");
            assertEquals("1012709106 981173106", sh("stat -c '%X %Y' times").strip());
            sh("touch -m -d @1044245106 times");
            assertEquals("1012709106 1044245106", sh("stat -c '%X %Y' times").strip());
            sh("printf x >> times && touch -m -d @1107403506 times");
            assertEquals("1107403506", sh("stat -c '%Y' times").strip());
        });
        return passed;
    }

    private FileSystemException moveFails(String from, String to) throws IOException {
        try {
            Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            return e;
        }
        throw new AssertionError("rename " + from + " to " + to + " succeeded");
    }
}
