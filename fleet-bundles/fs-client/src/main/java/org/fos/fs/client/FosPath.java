package org.fos.fs.client;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.fos.fs.api.FileSystemFleet;

/**
 * A path on a fos file system: {@code /}-separated names, absolute when it starts with {@code /}.
 * Names are checked when the path is made: no NUL, at most {@value FileSystemFleet#MAX_NAME_BYTES}
 * bytes of UTF-8 each. Immutable.
 */
final class FosPath implements Path {
    private final FosFileSystem fs;
    private final boolean absolute;
    private final String[] names;

    private FosPath(FosFileSystem fs, boolean absolute, String[] names) {
        this.fs = fs;
        this.absolute = absolute;
        this.names = names;
    }

    static FosPath parse(FosFileSystem fs, String text) {
        Objects.requireNonNull(text, "path");
        if (text.indexOf('\0') >= 0) {
            throw new InvalidPathException(text.replace("\0", "\\0"), "a fos path holds no NUL character", text.indexOf('\0'));
        }
        List<String> parts = new ArrayList<>();
        for (String p : text.split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < p.length() && Character.isLowSurrogate(p.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new InvalidPathException(text, "Malformed input or input contains unmappable characters: a lone UTF-16"
                            + " surrogate has no UTF-8 form", text.indexOf(p) + i);
                }
            }
            int bytes = p.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > FileSystemFleet.MAX_NAME_BYTES) {
                throw new InvalidPathException(text, "the name '" + p.substring(0, 20) + "...' is " + bytes + " bytes of UTF-8, more than "
                        + FileSystemFleet.MAX_NAME_BYTES);
            }
            parts.add(p);
        }
        return new FosPath(fs, text.startsWith("/"), parts.toArray(new String[0]));
    }

    static FosPath root(FosFileSystem fs) {
        return new FosPath(fs, true, new String[0]);
    }

    List<String> names() {
        return List.of(names);
    }

    /** Whether this path, made absolute, names the root (which has no entry in a parent directory). */
    boolean namesRoot() {
        return ((FosPath) toAbsolutePath()).names.length == 0;
    }

    private static FosPath check(Path other) {
        if (!(other instanceof FosPath p)) {
            throw new ProviderMismatchException("not a fos path: " + (other == null ? "null" : other.getClass().getName()));
        }
        return p;
    }

    @Override
    public FosFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return absolute;
    }

    @Override
    public Path getRoot() {
        return absolute ? root(fs) : null;
    }

    @Override
    public Path getFileName() {
        return names.length == 0 ? null : new FosPath(fs, false, new String[] {names[names.length - 1]});
    }

    @Override
    public Path getParent() {
        if (names.length == 0 || (names.length == 1 && !absolute)) {
            return null;
        }
        return new FosPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
    }

    @Override
    public int getNameCount() {
        return names.length;
    }

    @Override
    public Path getName(int index) {
        if (index < 0 || index >= names.length) {
            throw new IllegalArgumentException("name " + index + " of " + this + ", which has " + names.length);
        }
        return new FosPath(fs, false, new String[] {names[index]});
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        if (beginIndex < 0 || endIndex > names.length || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath " + beginIndex + ".." + endIndex + " of " + this);
        }
        return new FosPath(fs, false, Arrays.copyOfRange(names, beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(java.util.Objects.requireNonNull(other) instanceof FosPath o) || o.fs != fs) {
            return false; // a path of another file system, as the JDK's paths answer
        }
        if (o.absolute != absolute || o.names.length > names.length) {
            return false;
        }
        for (int i = 0; i < o.names.length; i++) {
            if (!o.names[i].equals(names[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(java.util.Objects.requireNonNull(other) instanceof FosPath o) || o.fs != fs) {
            return false;
        }
        if (o.absolute) {
            return equals(o);
        }
        if (o.names.length > names.length) {
            return false;
        }
        for (int i = 0; i < o.names.length; i++) {
            if (!o.names[o.names.length - 1 - i].equals(names[names.length - 1 - i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Path normalize() {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (n.equals(".")) {
                continue;
            }
            if (n.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (absolute) {
                    continue;
                }
            }
            out.add(n);
        }
        return new FosPath(fs, absolute, out.toArray(new String[0]));
    }

    @Override
    public Path resolve(Path other) {
        FosPath o = check(other);
        if (o.absolute) {
            return o;
        }
        String[] joined = Arrays.copyOf(names, names.length + o.names.length);
        System.arraycopy(o.names, 0, joined, names.length, o.names.length);
        return new FosPath(fs, absolute, joined);
    }

    @Override
    public Path resolve(String other) {
        return resolve(parse(fs, other));
    }

    @Override
    public Path relativize(Path other) {
        FosPath o = check(other);
        if (o.absolute != absolute) {
            throw new IllegalArgumentException("cannot relativize " + other + " against " + this + ": one is absolute, one is not");
        }
        int common = 0;
        while (common < names.length && common < o.names.length && names[common].equals(o.names[common])) {
            common++;
        }
        List<String> out = new ArrayList<>();
        for (int i = common; i < names.length; i++) {
            out.add("..");
        }
        out.addAll(Arrays.asList(o.names).subList(common, o.names.length));
        return new FosPath(fs, false, out.toArray(new String[0]));
    }

    @Override
    public URI toUri() {
        try {
            String query = fs.fleet().equals(FileSystemFleet.NAME) ? null : "fleet=" + fs.fleet();
            return new URI(FosFileSystemProvider.SCHEME, null, toAbsolutePath().toString(), query, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URI for " + this, e);
        }
    }

    @Override
    public Path toAbsolutePath() {
        return absolute ? this : new FosPath(fs, true, names);
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        boolean follow = !java.util.Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
        return fs.realPath(this, follow);
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) throws IOException {
        if (!(watcher instanceof FosWatchService w)) {
            throw new ProviderMismatchException("a fos path is watched by a fos file system's watch service");
        }
        if (modifiers.length > 0) {
            throw new UnsupportedOperationException("fos watch services take no modifiers");
        }
        return w.register(this, events);
    }

    @Override
    public int compareTo(Path other) {
        return toString().compareTo(check(other).toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FosPath p && p.fs == fs && p.absolute == absolute && Arrays.equals(p.names, names);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(names) * 31 + (absolute ? 1 : 0);
    }

    @Override
    public String toString() {
        String joined = String.join("/", names);
        return absolute ? "/" + joined : joined;
    }
}
