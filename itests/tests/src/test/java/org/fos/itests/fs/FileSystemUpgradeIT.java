package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fs.api.Attributes;
import org.fos.fs.api.FileSystemFleet;
import org.fos.testkit.support.Load;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The file-system fleet goes from v1 to v2 through fos:upgrade while two clients copy files: no call fails, every copy is intact,
 * and a file lock taken before the upgrade holds after it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemUpgradeIT extends DefaultFileSystemTest {
    private static final int SOURCES = 24;
    private static final int THREADS = 2;

    private org.fos.fleet.api.FleetRuntime service0() {
        try {
            return service(org.fos.fleet.api.FleetRuntime.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void copyingFilesGoesOnAcrossALiveUpgrade() throws Exception {
        Random random = new Random(3);
        Path src = Files.createDirectories(path("/upgrade/src"));
        String[] sums = new String[SOURCES];
        for (int i = 0; i < SOURCES; i++) {
            byte[] b = new byte[1 + random.nextInt(40_000)];
            random.nextBytes(b);
            Files.write(src.resolve("s" + i), b);
            sums[i] = sha256(b);
        }
        for (int t = 0; t < THREADS; t++) {
            Files.createDirectories(path("/upgrade/dst-" + t));
        }
        Load load = Load.start(THREADS, (t, seq) -> {
            Path from = src.resolve("s" + (seq % SOURCES));
            Path to = path("/upgrade/dst-" + t + "/c" + seq);
            Files.copy(from, to);
            if (seq % 10 == 0) {
                Files.createDirectories(path("/upgrade/dst-" + t + "/d" + seq));
            }
        });
        load.awaitCalls(60, Duration.ofMinutes(5));
        Path lockedFile = Files.writeString(path("/upgrade/locked"), "held across the upgrade");
        FileChannel lockedChannel = FileChannel.open(lockedFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = lockedChannel.lock(0, 10, false);
        long lockedAt = System.nanoTime();

        UpgradeReport upgrade = upgradeWithCommand(FileSystemFleet.NAME, bundleFile("fos-itest-fs-v2"));
        long servedAtUpgrade = fleetServing(FileSystemFleet.NAME, 2).served();
        waitFor("the copies to go on after the upgrade", Duration.ofMinutes(1),
                () -> service0().fleet(FileSystemFleet.NAME).served() > servedAtUpgrade + 500);
        Load.Report report = load.stop();

        System.out.println("FileSystemUpgradeIT: " + upgrade.outcome() + " " + upgrade.from() + " -> " + upgrade.to() + ", dispatch paused "
                + upgrade.pause().toNanos() / 1e6 + " ms with " + upgrade.queued() + " requests queued");
        System.out.println("FileSystemUpgradeIT: load " + report.summary() + "; longest copy " + report.max().toNanos() / 1e6 + " ms");
        assertEquals(upgrade.detail(), UpgradeReport.Outcome.UPGRADED, upgrade.outcome());
        assertEquals("2.0.0", upgrade.to());
        FleetInfo fleet = fleetServing(FileSystemFleet.NAME, 2);
        assertEquals("2.0.0", fleet.version());
        if (!report.failures().isEmpty()) {
            AssertionError e = new AssertionError(report.failed() + " copies failed, the first: " + report.failures().get(0));
            e.initCause(report.failures().get(0));
            throw e;
        }
        long checked = 0;
        for (int t = 0; t < THREADS; t++) {
            for (long seq : report.succeeded(t)) {
                byte[] copy = Files.readAllBytes(path("/upgrade/dst-" + t + "/c" + seq));
                assertEquals("copy " + seq + " of thread " + t, sums[(int) (seq % SOURCES)], sha256(copy));
                checked++;
            }
        }
        assertTrue(checked >= 120);

        // the member handed its file locks to v2: another holder is still kept out, and the lock releases
        FileSystemFleet raw = client(FileSystemFleet.class, FileSystemFleet.NAME);
        long inode = (Long) Files.getAttribute(lockedFile, "unix:ino");
        int group = FileSystemFleet.groupOf(inode);
        Attributes a = raw.stat(group, inode).toCompletableFuture().get(1, TimeUnit.MINUTES);
        // if another holder gets it, say what the client knows: whether it saw its lock lost, and after how long
        String held = "the lock taken before the upgrade was not held " + (System.nanoTime() - lockedAt) / 1_000_000
                + " ms later (the client " + (lock.isValid() ? "still believes it holds it" : "saw it lost") + "; the upgrade paused dispatch "
                + upgrade.pause().toMillis() + " ms; longest copy " + report.max().toMillis() + " ms)";
        assertFalse(held, raw.lock(group, inode, a.generation(), "after-upgrade", 1, 0, 1, true)
                .toCompletableFuture().get(1, TimeUnit.MINUTES).granted());
        assertTrue(lock.isValid());
        lock.release();
        assertTrue(raw.lock(group, inode, a.generation(), "after-upgrade", 2, 0, 1, true).toCompletableFuture().get(1, TimeUnit.MINUTES)
                .granted());
        raw.unlock(group, "after-upgrade", 2).toCompletableFuture().get(1, TimeUnit.MINUTES);
        lockedChannel.close();
        assertFsckClean(FileSystemFleet.NAME);
        System.out.println("FileSystemUpgradeIT: " + checked + " copies intact, a file lock handed on, fsck clean");
    }
}
