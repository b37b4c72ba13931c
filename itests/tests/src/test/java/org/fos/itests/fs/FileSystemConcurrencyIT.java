package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.fileSystemFleet;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.MemberInfo;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsckReport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Four members, eight groups, four client threads creating, renaming (across directories, so across
 * groups and members) and deleting in the same directories, and moving directories between
 * parents: afterwards every entry a thread expects is there exactly once, nothing else is, and the
 * check is clean.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemConcurrencyIT extends FileSystemSupport {
    private static final int THREADS = 4;
    private static final int OPS = 150;
    private static final int DIRS = 6;

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fileSystemFleet(4, 8, 16_384))};
    }

    @Test
    public void concurrentCreatesRenamesAndDeletesLoseAndDuplicateNothing() throws Exception {
        ready(4);
        List<Path> dirs = new ArrayList<>();
        for (int d = 0; d < DIRS; d++) {
            dirs.add(Files.createDirectories(path("/shared/d" + d)));
        }
        // where every file and moving directory is expected to be: name -> directory index
        Map<String, Integer> expected = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<int[]>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(pool.submit(() -> work(thread, dirs, expected)));
        }
        int[] counts = new int[4];
        for (Future<int[]> f : done) {
            int[] c = f.get(5, TimeUnit.MINUTES);
            for (int i = 0; i < c.length; i++) {
                counts[i] += c[i];
            }
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("FileSystemConcurrencyIT: %d creates, %d renames, %d deletes, %d directory moves by %d threads in %.2f s"
                + " (%.0f operations/s)%n", counts[0], counts[1], counts[2], counts[3], THREADS, seconds,
                (counts[0] + counts[1] + counts[2] + counts[3]) / seconds);

        Map<String, Integer> found = new TreeMap<>();
        for (int d = 0; d < DIRS; d++) {
            try (Stream<Path> s = Files.list(dirs.get(d))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Integer before = found.put(p.getFileName().toString(), d);
                    assertTrue(p + " is also in d" + before + ": duplicated", before == null);
                    if (Files.isRegularFile(p)) {
                        assertEquals("content of " + p, p.getFileName().toString().replaceFirst("\\.moved$", ""),
                                Files.readString(p));
                    }
                }
            }
        }
        assertEquals("entries lost or left behind", new TreeMap<>(expected), found);
        FleetInfo fleet = fleetServing(FileSystemFleet.NAME, 4);
        long busy = fleet.members().stream().mapToLong(MemberInfo::served).filter(n -> n > 0).count();
        assertTrue("the work spread over the members: " + fleet.members(), busy >= 2);
        FsckReport r = assertFsckClean(FileSystemFleet.NAME);
        System.out.println("FileSystemConcurrencyIT: fsck clean, " + r.files() + " files, " + r.directories() + " directories; calls served"
                + " by member: " + fleet.members().stream().map(m -> Long.toString(m.served())).toList());
    }

    /** One client thread; returns its counts of creates, renames, deletes and directory moves. */
    private int[] work(int thread, List<Path> dirs, Map<String, Integer> expected) throws Exception {
        Random random = new Random(thread * 7919L);
        Map<String, Integer> mine = new HashMap<>();
        List<String> myDirs = new ArrayList<>();
        int[] counts = new int[4];
        for (int i = 0; i < OPS; i++) {
            int op = random.nextInt(10);
            if (op < 5 || mine.isEmpty()) {
                String name = "t" + thread + "-" + i;
                int d = random.nextInt(DIRS);
                Files.writeString(dirs.get(d).resolve(name), name);
                mine.put(name, d);
                expected.put(name, d);
                counts[0]++;
            } else if (op < 8) {
                String name = pick(mine, random, myDirs, false);
                if (name == null) {
                    continue;
                }
                int from = mine.get(name);
                int to = random.nextInt(DIRS);
                String target = name.endsWith(".moved") ? name : name + ".moved";
                Files.move(dirs.get(from).resolve(name), dirs.get(to).resolve(target));
                mine.remove(name);
                expected.remove(name);
                mine.put(target, to);
                expected.put(target, to);
                counts[1]++;
            } else if (op < 9) {
                String name = pick(mine, random, myDirs, false);
                if (name == null) {
                    continue;
                }
                Files.delete(dirs.get(mine.get(name)).resolve(name));
                mine.remove(name);
                expected.remove(name);
                counts[2]++;
            } else {
                String dir = pick(mine, random, myDirs, true);
                int to = random.nextInt(DIRS);
                if (dir == null) {
                    dir = "dir-t" + thread + "-" + i;
                    Files.createDirectory(dirs.get(to).resolve(dir));
                    myDirs.add(dir);
                } else {
                    Files.move(dirs.get(mine.get(dir)).resolve(dir), dirs.get(to).resolve(dir));
                }
                mine.put(dir, to);
                expected.put(dir, to);
                counts[3]++;
            }
        }
        return counts;
    }

    private static String pick(Map<String, Integer> mine, Random random, List<String> myDirs, boolean directory) {
        List<String> names = new ArrayList<>();
        for (String n : mine.keySet()) {
            if (myDirs.contains(n) == directory) {
                names.add(n);
            }
        }
        names.sort(null);
        return names.isEmpty() ? null : names.get(random.nextInt(names.size()));
    }
}
