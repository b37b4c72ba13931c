package org.fos.health.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.hc.api.FormattingResultLog;
import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.fos.block.api.BlockDevice;
import org.fos.block.api.Geometry;
import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FsStats;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Whether this node's storage has room: for each file-backed block device, the free space of the
 * host file system that holds its image (a sparse image grows as blocks are written, up to the
 * device's size), and for each file-system fleet of this node, the share of its space in use, as
 * {@code fs:df} shows it. Thresholds are configuration (PID {@value #PID}).
 */
@Component(service = HealthCheck.class, configurationPid = DiskSpaceCheck.PID, property = {
        HealthCheck.NAME + "=" + DiskSpaceCheck.NAME, HealthCheck.TAGS + "=" + Checks.TAG, HealthCheck.TAGS + "=disk"})
@Designate(ocd = DiskSpaceCheck.Config.class)
public final class DiskSpaceCheck implements HealthCheck {
    /** The configuration PID. */
    public static final String PID = "org.fos.health.disk";
    /** The check's name. */
    static final String NAME = "fos disk space";

    /** The thresholds; each says its unit. */
    @ObjectClassDefinition(name = "fos health: disk space", description = "When the storage of a node's block devices and file systems is short.")
    public @interface Config {
        /**
         * Free host space below which a device image is WARN.
         *
         * @return percent of the device's size
         */
        @AttributeDefinition(description = "WARN when the host file system that holds a device's image has less free space than this"
                + " share of the device's size, in percent (0 to 100).")
        int imageWarnFreePercent() default 10;

        /**
         * Free host space below which a device image is CRITICAL.
         *
         * @return percent of the device's size
         */
        @AttributeDefinition(description = "CRITICAL when it has less than this share of the device's size free, in percent (0 to 100).")
        int imageCriticalFreePercent() default 2;

        /**
         * File system use above which it is WARN.
         *
         * @return percent used
         */
        @AttributeDefinition(description = "WARN when a file system of this node has this share of its space or more in use, in percent.")
        int fsWarnUsedPercent() default 90;

        /**
         * File system use above which it is CRITICAL.
         *
         * @return percent used
         */
        @AttributeDefinition(description = "CRITICAL when a file system of this node has this share of its space or more in use, in percent.")
        int fsCriticalUsedPercent() default 98;

        /**
         * How long a file system may take to answer.
         *
         * @return milliseconds
         */
        @AttributeDefinition(description = "How long a file-system fleet may take to tell its space, in milliseconds.")
        long timeoutMillis() default 5_000;
    }

    private final FleetRuntime runtime;
    private final Libfos libfos;
    private final Map<BlockDevice, Map<String, Object>> devices = new ConcurrentHashMap<>();
    private volatile Config config;

    /**
     * Creates the check.
     *
     * @param runtime this node's fleet runtime, for its file systems
     * @param libfos libfos, to ask the file systems for their space
     * @param config the thresholds
     */
    @Activate
    public DiskSpaceCheck(@Reference FleetRuntime runtime, @Reference Libfos libfos, Config config) {
        this.runtime = runtime;
        this.libfos = libfos;
        this.config = validate(config);
    }

    @Modified
    void modified(Config c) {
        this.config = validate(c);
    }

    static Config validate(Config c) {
        for (int p : new int[] {c.imageWarnFreePercent(), c.imageCriticalFreePercent(), c.fsWarnUsedPercent(), c.fsCriticalUsedPercent()}) {
            if (p < 0 || p > 100) {
                throw new IllegalArgumentException("a percentage must be from 0 to 100, was " + p);
            }
        }
        if (c.imageCriticalFreePercent() > c.imageWarnFreePercent()) {
            throw new IllegalArgumentException("imageCriticalFreePercent (" + c.imageCriticalFreePercent() + ") must not exceed"
                    + " imageWarnFreePercent (" + c.imageWarnFreePercent() + ")");
        }
        if (c.fsCriticalUsedPercent() < c.fsWarnUsedPercent()) {
            throw new IllegalArgumentException("fsCriticalUsedPercent (" + c.fsCriticalUsedPercent() + ") must not be below"
                    + " fsWarnUsedPercent (" + c.fsWarnUsedPercent() + ")");
        }
        if (c.timeoutMillis() < 1) {
            throw new IllegalArgumentException("timeoutMillis must be positive, was " + c.timeoutMillis());
        }
        return c;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addDevice(BlockDevice device, Map<String, Object> properties) {
        devices.put(device, properties);
    }

    void removeDevice(BlockDevice device) {
        devices.remove(device);
    }

    @Override
    public Result execute() {
        Config c = config;
        FormattingResultLog log = new FormattingResultLog();
        for (Map.Entry<BlockDevice, Map<String, Object>> d : devices.entrySet()) {
            Geometry g = d.getKey().geometry();
            Object path = d.getValue().get("path");
            if (!g.persistent() || path == null) {
                log.debug("{} is in memory: no image to check", BlockDevice.NAME_PREFIX + g.name());
                continue;
            }
            try {
                Path image = Path.of(path.toString());
                long free = Files.getFileStore(image).getUsableSpace();
                image(log, BlockDevice.NAME_PREFIX + g.name(), image.toString(), g.sizeBytes(), free, c);
            } catch (IOException | InvalidPathException e) {
                log.critical("the image of {} ({}) cannot be read: {}", BlockDevice.NAME_PREFIX + g.name(), path, e.getMessage());
            }
        }
        for (FleetInfo f : runtime.fleets()) {
            if (!FileSystemFleet.class.getName().equals(f.protocol())) {
                continue;
            }
            try {
                FsStats s = libfos.proxy(FileSystemFleet.class, f.name(), CallOptions.DEFAULT.withTimeout(Duration.ofMillis(c.timeoutMillis())))
                        .statfs().toCompletableFuture().get(c.timeoutMillis(), TimeUnit.MILLISECONDS);
                fileSystem(log, f.name(), s, c);
            } catch (ExecutionException e) {
                log.warn("{} did not tell its space: {}", f.name(), e.getCause().getMessage());
            } catch (TimeoutException e) {
                log.warn("{} did not tell its space within {} ms", f.name(), c.timeoutMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("interrupted while asking {} for its space", f.name());
            } catch (org.fos.fs.api.TryAgainException | RuntimeException e) {
                log.warn("{} did not tell its space: {}", f.name(), e.getMessage());
            }
        }
        if (log.iterator().hasNext()) {
            return Checks.of(log);
        }
        return new Result(Result.Status.OK, "this node has no file-backed device and no file system");
    }

    /** Judges the room left for a device's image. */
    static void image(FormattingResultLog log, String device, String image, long sizeBytes, long freeBytes, Config c) {
        double freePercent = 100.0 * freeBytes / sizeBytes;
        String what = freeBytes >= sizeBytes
                ? String.format(java.util.Locale.ROOT, "%s: the host file system of %s has %d MiB free, more than the device's %d MiB",
                        device, image, freeBytes >> 20, sizeBytes >> 20)
                : String.format(java.util.Locale.ROOT, "%s: the host file system of %s has %d MiB free, %.1f%% of the device's %d MiB",
                        device, image, freeBytes >> 20, freePercent, sizeBytes >> 20);
        if (freePercent < c.imageCriticalFreePercent()) {
            log.critical("{} (critical below {}%)", what, c.imageCriticalFreePercent());
        } else if (freePercent < c.imageWarnFreePercent()) {
            log.warn("{} (warning below {}%)", what, c.imageWarnFreePercent());
        } else {
            log.info("{}", what);
        }
    }

    /** Judges a file system's use. */
    static void fileSystem(FormattingResultLog log, String fleet, FsStats s, Config c) {
        long size = s.totalBlocks() * s.blockSize();
        long used = size - s.freeBlocks() * s.blockSize();
        long percent = size == 0 ? 100 : Math.round(100.0 * used / size);
        String what = fleet + " on " + s.device() + ": " + (used >> 20) + " of " + (size >> 20) + " MiB in use (" + percent + "%), "
                + s.freeInodes() + " of " + s.totalInodes() + " inodes free";
        if (percent >= c.fsCriticalUsedPercent() || s.freeInodes() == 0) {
            log.critical("{} (critical from {}% or no free inode)", what, c.fsCriticalUsedPercent());
        } else if (percent >= c.fsWarnUsedPercent()) {
            log.warn("{} (warning from {}%)", what, c.fsWarnUsedPercent());
        } else {
            log.info("{}", what);
        }
    }
}
