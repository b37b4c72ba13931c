package org.fos.fs.client.commands;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FosFiles;
import org.fos.fs.api.FsStats;
import org.fos.fs.api.FsckReport;
import org.fos.fs.api.RepairReport;
import org.fos.fs.client.Remote;
import org.fos.rpc.api.CallOptions;
import org.fos.rpc.api.Libfos;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The file commands, scope {@code fs}, on the default file system ({@value FileSystemFleet#NAME}).
 * They use {@code java.nio.file} through {@link FosFiles} like any application, return data and
 * leave printing to the shell. Paths are absolute ({@code /docs/a.txt}).
 */
@Component(service = FsCommands.class, property = {
        "osgi.command.scope=fs",
        "osgi.command.function=ls",
        "osgi.command.function=cat",
        "osgi.command.function=write",
        "osgi.command.function=mkdir",
        "osgi.command.function=rm",
        "osgi.command.function=mv",
        "osgi.command.function=stat",
        "osgi.command.function=df",
        "osgi.command.function=fsck"})
public final class FsCommands {

    /**
     * One line of {@code fs:ls}.
     *
     * @param type {@code d} for a directory, {@code -} for a file
     * @param size the size in bytes
     * @param modified when it last changed
     * @param name the entry's name
     */
    public record Listing(String type, long size, String modified, String name) {
        @Override
        public String toString() {
            return String.format("%s %12d %s %s", type, size, modified, name);
        }
    }

    /**
     * What {@code fs:stat} shows.
     *
     * @param path the path
     * @param type FILE or DIRECTORY
     * @param size the size in bytes
     * @param inode the inode
     * @param created when it was made
     * @param modified when it last changed
     */
    public record Stat(String path, String type, long size, long inode, String created, String modified) {
    }

    /**
     * What {@code fs:df} shows.
     *
     * @param device the block device
     * @param sizeBytes the space for data, in bytes
     * @param usedBytes the space used
     * @param freeBytes the space free
     * @param usePercent the share used
     * @param inodes inodes in all
     * @param freeInodes free inodes
     * @param groups groups
     * @param largestFreeBytes the most one file can still grow by (free space of the fullest-free group)
     */
    public record DiskFree(String device, long sizeBytes, long usedBytes, long freeBytes, int usePercent, long inodes, long freeInodes,
            int groups, long largestFreeBytes) {
    }

    private final FosFiles files;
    private final FileSystemFleet fleet;
    /** The node's fleet runtime, while there is one: it knows whether the file-system fleet was removed. */
    private final AtomicReference<FleetRuntime> runtime = new AtomicReference<>();

    /**
     * Creates the commands.
     *
     * @param files the provider
     * @param libfos this bundle's libfos, for the check
     */
    @Activate
    public FsCommands(@Reference FosFiles files, @Reference Libfos libfos) {
        this.files = files;
        this.fleet = libfos.proxy(FileSystemFleet.class, FileSystemFleet.NAME, CallOptions.DEFAULT.withTimeout(Duration.ofMinutes(5)));
    }

    /**
     * Binds the node's fleet runtime (optional: without one, a file system without members may be starting).
     *
     * @param r the runtime
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRuntime(FleetRuntime r) {
        runtime.set(r);
    }

    /**
     * Unbinds the node's fleet runtime.
     *
     * @param r the runtime
     */
    void unbindRuntime(FleetRuntime r) {
        runtime.compareAndSet(r, null);
    }

    /** Calls the whole fleet; fails at once, as file calls do, when the node removed it rather than waiting for it to start. */
    private <T> T await(Remote.Call<T> call) throws IOException {
        return Remote.await(call, "/", null, TimeUnit.MINUTES.toMillis(5), () -> true, () -> {
            FleetRuntime r = runtime.get();
            return r == null ? null : Remote.removed(r.fleet(FileSystemFleet.NAME));
        });
    }

    private Path path(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a path is missing");
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "' is not an absolute path: fs paths start with /, such as /docs/a.txt");
        }
        try {
            return files.path(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason(), e);
        }
    }

    /**
     * Lists the root directory.
     *
     * @return one line an entry, in name order
     * @throws IOException if it cannot be listed
     */
    @Descriptor("list the root directory: type, size, modification time, name")
    public List<Listing> ls() throws IOException {
        return list("/");
    }

    /**
     * Lists a directory, or shows one file as a listing does (as {@code ls} does).
     *
     * @param dir the directory, or a file
     * @return one line an entry; for a file, one line named by the path given
     * @throws IOException if it cannot be listed
     */
    @Descriptor("list a directory (or show one file as a listing line): type, size, modification time, name")
    public List<Listing> ls(@Descriptor("the directory, such as /docs, or a file") String dir) throws IOException {
        return list(dir);
    }

    private List<Listing> list(String dir) throws IOException {
        Path p = path(dir);
        BasicFileAttributes self = Files.readAttributes(p, BasicFileAttributes.class);
        if (!self.isDirectory()) {
            return List.of(listing(self, dir));
        }
        List<Listing> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
            for (Path e : s) {
                out.add(listing(Files.readAttributes(e, BasicFileAttributes.class), e.getFileName().toString()));
            }
        }
        out.sort(Comparator.comparing(Listing::name));
        return out;
    }

    private static Listing listing(BasicFileAttributes a, String name) {
        return new Listing(a.isDirectory() ? "d" : "-", a.size(), a.lastModifiedTime().toString(), name);
    }

    /**
     * Prints a file as UTF-8 text.
     *
     * @param file the file
     * @return its content
     * @throws IOException if it cannot be read
     */
    @Descriptor("show a file's content as UTF-8 text")
    public String cat(@Descriptor("the file, such as /docs/a.txt") String file) throws IOException {
        Path p = path(file);
        long size = Files.size(p);
        if (size > 16 << 20) {
            throw new IllegalArgumentException(file + " is " + size + " bytes; fs:cat shows files of up to 16 MiB");
        }
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    /**
     * Writes text into a file, replacing what it held, and makes it durable.
     *
     * @param file the file
     * @param text the words of the text, joined by spaces
     * @return the path and the bytes written
     * @throws IOException if it cannot be written
     */
    @Descriptor("write text into a file (created or replaced) and make it durable (fsync)")
    public String write(@Descriptor("the file, such as /docs/a.txt") String file,
            @Descriptor("the text; several words are joined by spaces") String... text) throws IOException {
        if (text.length == 0) {
            throw new IllegalArgumentException("no text to write into " + file + ": fs:write /docs/a.txt hello there");
        }
        Path p = path(file);
        byte[] bytes = String.join(" ", text).getBytes(StandardCharsets.UTF_8);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        } catch (NoSuchFileException e) {
            Path parent = p.getParent();
            if (parent != null && !Files.exists(parent)) {
                throw new NoSuchFileException(file, null, "its directory " + parent + " does not exist (fs:mkdir " + parent + " makes it)");
            }
            throw e;
        }
        return "wrote " + bytes.length + " bytes to " + p;
    }

    /**
     * Makes a directory, with its missing parents.
     *
     * @param dir the directory
     * @return what was done: {@code made <dir>}, or {@code <dir> exists} if it was a directory already
     * @throws IOException if it cannot be made
     */
    @Descriptor("make a directory and any missing parents")
    public String mkdir(@Descriptor("the directory, such as /docs/2026") String dir) throws IOException {
        Path p = path(dir);
        if (Files.isDirectory(p)) {
            return p + " exists";
        }
        return "made " + Files.createDirectories(p);
    }

    /**
     * Removes a file or an empty directory.
     *
     * @param target what to remove
     * @return the path
     * @throws IOException if it cannot be removed
     */
    @Descriptor("remove a file or an empty directory")
    public String rm(@Descriptor("the file or directory") String target) throws IOException {
        Path p = path(target);
        Files.delete(p);
        return "removed " + p;
    }

    /**
     * Moves a file or directory.
     *
     * @param force whether to replace an existing target
     * @param from the source
     * @param to the target
     * @return the move
     * @throws IOException if it cannot be moved
     */
    @Descriptor("move or rename a file or directory; atomic")
    public String mv(@Descriptor("replace an existing target (a file or an empty directory)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("the source") String from, @Descriptor("the target") String to) throws IOException {
        Path a = path(from);
        Path b = path(to);
        if (force) {
            Files.move(a, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);
        }
        return "moved " + a + " to " + b;
    }

    /**
     * Describes a file or directory.
     *
     * @param target the path
     * @return its attributes
     * @throws IOException if it does not exist
     */
    @Descriptor("describe a file or directory: type, size, inode, times")
    public Stat stat(@Descriptor("the path") String target) throws IOException {
        Path p = path(target);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        return new Stat(p.toString(), a.isDirectory() ? "DIRECTORY" : "FILE", a.size(), (Long) a.fileKey(), a.creationTime().toString(),
                a.lastModifiedTime().toString());
    }

    /**
     * Shows the space of the file system.
     *
     * @return the space
     * @throws IOException if the fleet does not answer
     */
    @Descriptor("show the space of the file system")
    public DiskFree df() throws IOException {
        FsStats s = await(fleet::statfs);
        long size = s.totalBlocks() * s.blockSize();
        long free = s.freeBlocks() * s.blockSize();
        int use = size == 0 ? 0 : (int) Math.round(100.0 * (size - free) / size);
        return new DiskFree(s.device(), size, size - free, free, use, s.totalInodes(), s.freeInodes(), s.groups(),
                s.largestFreeBlocks() * s.blockSize());
    }

    /**
     * Checks the file system.
     *
     * @return the report
     * @throws IOException if the fleet does not answer
     */
    @Descriptor("check the whole file system (the members hold changes meanwhile)")
    public FsckReport fsck() throws IOException {
        return await(fleet::fsck);
    }

    /**
     * Checks the file system and repairs what can be repaired.
     *
     * @param repair must be true: {@code fs:fsck --repair}
     * @return the check before, the repairs, what was not repaired, and the check after
     * @throws IOException if the fleet does not answer
     */
    @Descriptor("check the whole file system and repair what can be repaired; says what could not be")
    public RepairReport fsck(@Descriptor("repair what the check finds")
            @Parameter(names = {"-r", "--repair"}, presentValue = "true", absentValue = "false") boolean repair) throws IOException {
        if (!repair) {
            throw new IllegalArgumentException("fs:fsck takes no option but --repair; fs:fsck alone checks without changing anything");
        }
        return await(fleet::repair);
    }
}
