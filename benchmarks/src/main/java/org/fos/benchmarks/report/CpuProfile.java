package org.fos.benchmarks.report;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an async-profiler CPU profile of a benchmark's fos side says: how many samples, on which
 * threads, and what the sampled threads were doing. It reads the profiler's collapsed stacks, one
 * line a distinct stack ({@code [thread tid=n];outermost;...;innermost count}, as JMH's
 * {@code -prof async} writes them with {@code threads=true;output=collapsed}).
 *
 * <p>Each sample is put in one {@link Activity}: its thread's if the thread is the JVM's own (GC,
 * JIT), else the first frame from the innermost outwards that says what the thread was doing. A
 * frame of the waiting loops (the kernel's mailbox wait and its idle strategy, a transport polled by
 * a waiting thread, a yield, a park, an epoll wait) says it was waiting for work; a frame of the JDK's
 * channels, Netty, Aeron or a system call that reads or writes says input and output; a frame of
 * fos's own code (not the benchmarks') says fos's code. Frames of the JDK and the harness say nothing
 * and are passed over; a sample no frame speaks for is "other".
 */
final class CpuProfile {

    /** What a sampled thread was doing. */
    enum Activity {
        /** Spinning, yielding, parking or polling for a message that has not come. */
        WAITING("waiting for work (spinning, yielding, parking, polling an idle transport)"),
        /** fos's own code: kernel, libfos, codec, transports, fleets. */
        FOS("fos's code (kernel, libfos, codec, transports, fleets)"),
        /** The JDK's channels, Netty, Aeron, and the system calls that move bytes. */
        IO("input and output (JDK channels, Netty, Aeron, read and write system calls)"),
        /** The JVM's own threads. */
        JVM("garbage collection and JIT compilation"),
        /** The JDK and the benchmark harness. */
        OTHER("other (the JDK's and the benchmark harness's code)");

        final String label;

        Activity(String label) {
            this.label = label;
        }
    }

    /** Frames of the waiting loops, innermost first: the first one that matches decides. */
    private static final Pattern WAITING = Pattern.compile(
            "MailboxImpl\\.await|SyncChannel\\.await|ReceiverIdle\\.|CoreBudget\\.|IdleStrategy\\.|MailboxTable\\.assist|LinkTable\\.assist"
                    + "|ShmTransport\\.assist|Thread\\.yield|JVM_Yield|sched_yield|Thread\\.onSpinWait|LockSupport\\.park|Unsafe\\.park"
                    + "|futex|pthread_cond_(timed)?wait|epoll_wait|EPoll\\.wait|SelectorImpl\\.select|Thread\\.sleep|Object\\.wait"
                    + "|IdleStrategy|AgentRunner\\.workLoop|BackoffIdleStrategy|SleepingIdleStrategy");
    /** Frames that move bytes. */
    private static final Pattern IO = Pattern.compile(
            "^sun/nio/ch/|^io/netty/|^io/aeron/|^org/agrona/|^java/nio/|^(__GI_|__GI___|__libc_)?(write|writev|read|readv|sendto|sendmsg|recvfrom|recvmsg)$");
    /** fos's code, not the benchmarks'. */
    private static final Pattern FOS = Pattern.compile("^org/fos/(?!benchmarks/)");
    /** The JVM's own threads, by name. */
    private static final Pattern JVM_THREAD = Pattern.compile(
            "^\\[(C1 Compiler|C2 Compiler|VM Thread|VM Periodic|GC Thread|G1 |Sweeper|Service Thread|Monitor Deflation|Common-Cleaner|Signal Dispatcher|Reference Handler|Finalizer)");
    /** The thread id that the profiler adds to a thread's name. */
    private static final Pattern TID = Pattern.compile(" tid=\\d+\\]$");

    private final long samples;
    private final Map<Activity, Long> byActivity;
    private final Map<String, Long> byThread;
    private final Map<String, Long> fosFrames;

    private CpuProfile(long samples, Map<Activity, Long> byActivity, Map<String, Long> byThread, Map<String, Long> fosFrames) {
        this.samples = samples;
        this.byActivity = byActivity;
        this.byThread = byThread;
        this.fosFrames = fosFrames;
    }

    /**
     * Reads collapsed stacks.
     *
     * @param lines the profiler's lines, each {@code frames count}, the first frame the thread's name
     * @return the profile
     * @throws IllegalArgumentException if a line does not end in a count
     */
    static CpuProfile of(List<String> lines) {
        long total = 0;
        Map<Activity, Long> activities = new EnumMap<>(Activity.class);
        Map<String, Long> threads = new LinkedHashMap<>();
        Map<String, Long> frames = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            long count;
            try {
                count = Long.parseLong(line.substring(space + 1).strip());
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("not a line of collapsed stacks (frames, a space, a count): " + line, e);
            }
            String[] stack = line.substring(0, Math.max(space, 0)).split(";");
            total += count;
            String thread = stack[0].startsWith("[") ? stack[0] : "[unnamed]";
            threads.merge(TID.matcher(thread).replaceFirst("]"), count, Long::sum);
            String decided = null;
            Activity activity = Activity.OTHER;
            if (JVM_THREAD.matcher(thread).find()) {
                activity = Activity.JVM;
            } else {
                for (int i = stack.length - 1; i > 0 && decided == null; i--) {
                    String f = stack[i];
                    if (WAITING.matcher(f).find()) {
                        activity = Activity.WAITING;
                        decided = f;
                    } else if (IO.matcher(f).find()) {
                        activity = Activity.IO;
                        decided = f;
                    } else if (FOS.matcher(f).find()) {
                        activity = Activity.FOS;
                        decided = f;
                        frames.merge(javaName(f), count, Long::sum);
                    }
                }
            }
            activities.merge(activity, count, Long::sum);
        }
        return new CpuProfile(total, activities, sortDescending(threads), sortDescending(frames));
    }

    /** A frame as Java names it: {@code org.fos.kernel.impl.LinkTable.deliver}. */
    private static String javaName(String frame) {
        return frame.replace('/', '.');
    }

    private static Map<String, Long> sortDescending(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The samples in all. */
    long samples() {
        return samples;
    }

    /**
     * The share of the samples in an activity.
     *
     * @param activity the activity
     * @return from 0 to 1
     */
    double share(Activity activity) {
        return samples == 0 ? 0 : byActivity.getOrDefault(activity, 0L) / (double) samples;
    }

    /** Threads by samples, most first, their names without the profiler's thread ids. */
    Map<String, Long> threads() {
        return byThread;
    }

    /** The frames of fos's code that decided its samples (the innermost fos frame of each), most first. */
    Map<String, Long> fosFrames() {
        return fosFrames;
    }

    /**
     * The profile as the report quotes it: the samples, the shares of each activity, the busiest
     * threads and the hottest frames of fos's code. No figure of CPU time: the interval timer's samples
     * come no closer together than the system's clock tick (4 ms at 250 Hz), whatever interval was asked.
     *
     * @param measuredSeconds how long the profiler sampled
     * @param threads how many threads to name
     * @param frames how many of fos's frames to name
     * @return the lines
     */
    List<String> lines(double measuredSeconds, int threads, int frames) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%d samples of CPU time in %s of measurement", samples, Format.time(measuredSeconds * 1e9)));
        out.add("");
        for (Activity a : Activity.values()) {
            out.add(String.format(Locale.ROOT, "%5.1f%%  %s", 100 * share(a), a.label));
        }
        out.add("");
        out.add("by thread:");
        byThread.entrySet().stream().limit(threads).forEach(e -> out.add(String.format(Locale.ROOT, "%5.1f%%  %s",
                100.0 * e.getValue() / Math.max(1, samples), e.getKey().substring(1, e.getKey().length() - 1))));
        out.add("");
        out.add("hottest frames of fos's code (the innermost fos frame of a sample in fos's code):");
        if (fosFrames.isEmpty()) {
            out.add("  none");
        }
        fosFrames.entrySet().stream().limit(frames).forEach(e -> out.add(String.format(Locale.ROOT, "%5.1f%%  %s",
                100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
        return out;
    }
}
