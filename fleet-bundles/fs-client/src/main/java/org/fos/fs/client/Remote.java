package org.fos.fs.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.fos.fleet.api.FleetInfo;
import org.fos.fs.api.TryAgainException;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.fos.rpc.api.WaitingCaller;

/**
 * Waits for a fleet call and turns its failure into the exception {@code java.nio.file} users
 * expect, naming the client's path. A call that the fleet let go during a live upgrade (a
 * {@link TryAgainException}, or libfos closing under an old member) is made again.
 */
public final class Remote {
    /** How often a call is made again after it was let go, before giving up. */
    static final int MAX_TRIES = 50;
    /**
     * How long a call waits for a fleet that is not registered yet, as while a node starts; a fleet
     * known not to be coming ({@link FleetConnector#notComing(String)}) is not waited for.
     */
    public static final long STARTING_MILLIS = 15_000;
    /** How long a call goes on waiting once the node that serves the fleet cannot be reached. */
    public static final long UNREACHABLE_MILLIS = 2_000;
    /** How often a waiting call looks whether the node can be reached. */
    static final long CHECK_MILLIS = 250;

    private Remote() {
    }

    /** A fleet call, made again as often as it is let go. */
    @FunctionalInterface
    public interface Call<T> {
        /**
         * Makes the call.
         *
         * @return its stage
         * @throws IOException if it cannot be made
         */
        CompletionStage<T> make() throws IOException;
    }

    /**
     * The same call, made so that the calling thread takes its reply itself
     * ({@link org.fos.rpc.api.WaitingCaller}): the stage it returns is already complete. For a caller
     * that waits for the stage at once and need not notice an unreachable node while it waits.
     *
     * @param <T> the value's type
     * @param call the call
     * @return the call made on the calling thread
     */
    public static <T> Call<T> onCallingThread(Call<T> call) {
        return () -> {
            try {
                return WaitingCaller.call(call::make);
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        };
    }

    /**
     * Makes a call and waits for its value, making it again while the fleet lets it go.
     *
     * @param <T> the value's type
     * @param call the call
     * @param file the path the call is about, for errors
     * @param other a second path, or null
     * @param timeoutMillis how long one attempt may take
     * @return the value
     * @throws IOException the standard exception the call failed with
     */
    public static <T> T await(Call<T> call, String file, String other, long timeoutMillis) throws IOException {
        return await(call, file, other, timeoutMillis, () -> true);
    }

    /**
     * Makes a call and waits for its value as {@link #await(Call, String, String, long)} does, but fails
     * it once the node that serves the fleet has not been reachable for {@value #UNREACHABLE_MILLIS} ms
     * (the transport closes a connection that stays silent past its heartbeat), instead of waiting for
     * the whole timeout.
     *
     * @param <T> the value's type
     * @param call the call
     * @param file the path the call is about, for errors
     * @param other a second path, or null
     * @param timeoutMillis how long one attempt may take
     * @param reachable whether the fleet's node can be reached now
     * @return the value
     * @throws IOException the standard exception the call failed with
     */
    public static <T> T await(Call<T> call, String file, String other, long timeoutMillis, java.util.function.BooleanSupplier reachable)
            throws IOException {
        return await(call, file, other, timeoutMillis, reachable, () -> null);
    }

    /**
     * Makes a call and waits for its value as {@link #await(Call, String, String, long, java.util.function.BooleanSupplier)}
     * does. A call that finds no member registered under the fleet's name ({@code NO_SUCH_NAME}) waits up
     * to {@value #STARTING_MILLIS} ms for the fleet to register, as while its node starts, unless
     * {@code notComing} says the fleet is not coming (it was removed): then it fails at once, with a
     * {@code NO_SUCH_NAME} that says why. {@code notComing} is asked when a call first finds no member
     * and then every {@value #CHECK_MILLIS} ms while it waits.
     *
     * @param <T> the value's type
     * @param call the call
     * @param file the path the call is about, for errors
     * @param other a second path, or null
     * @param timeoutMillis how long one attempt may take
     * @param reachable whether the fleet's node can be reached now
     * @param notComing why a fleet without members is not coming, or null if it may be starting
     *        ({@link FleetConnector#notComing(String)})
     * @return the value
     * @throws IOException the standard exception the call failed with
     */
    public static <T> T await(Call<T> call, String file, String other, long timeoutMillis, java.util.function.BooleanSupplier reachable,
            Supplier<String> notComing) throws IOException {
        Throwable last = null;
        long startingUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(timeoutMillis, STARTING_MILLIS));
        boolean asked = false;
        long askedAt = 0;
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            try {
                return waitFor(call.make().toCompletableFuture(), timeoutMillis, reachable);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the file system about " + file);
            } catch (TimeoutException e) {
                throw new FileSystemException(file, other, e.getMessage() != null ? e.getMessage()
                        : "the file system did not answer within " + timeoutMillis + " ms");
            } catch (ExecutionException | CompletionException e) {
                last = e.getCause() == null ? e : e.getCause();
            } catch (IOException | RuntimeException e) {
                last = e;
            }
            if (last instanceof org.fos.rpc.api.RemoteException r) {
                last = recreate(r);
            }
            if (starting(last)) {
                long now = System.nanoTime();
                if (!asked || now - askedAt >= TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS)) {
                    asked = true;
                    askedAt = now;
                    String why = notComing.get();
                    if (why != null) {
                        throw translate(new FleetException(Status.NO_SUCH_NAME, last.getMessage() + ": " + why, last), file, other);
                    }
                }
                if (now < startingUntil) {
                    // the fleet has not registered yet (the node is starting): give it a moment
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    attempt--;
                    continue;
                }
            }
            if (!retryable(last)) {
                throw translate(last, file, other);
            }
        }
        throw translate(last, file, other);
    }

    /**
     * Why a fleet is not coming, as a node's fleet runtime sees it: it was removed there (its bundle was
     * uninstalled, or the version installed was refused), so it has no names there until a version is
     * installed that serves. What {@link FleetConnector#notComing(String)} answers from a node's view.
     *
     * @param info the node's snapshot of the fleet, or null if the node does not run it (yet)
     * @return the sentence, or null if the fleet may be starting
     */
    public static String removed(FleetInfo info) {
        if (info == null || info.status() != FleetInfo.Status.REMOVED) {
            return null;
        }
        return info.name() + " was removed on node " + info.node() + (info.detail() == null ? "" : " (" + info.detail() + ")");
    }

    /** Waits for a stage, looking every {@value #CHECK_MILLIS} ms whether the node can still be reached. */
    static <T> T waitFor(java.util.concurrent.CompletableFuture<T> stage, long timeoutMillis, java.util.function.BooleanSupplier reachable)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long unreachableSince = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            try {
                return stage.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException slice) {
                if (reachable.getAsBoolean()) {
                    unreachableSince = 0;
                } else if (unreachableSince == 0) {
                    unreachableSince = System.nanoTime();
                } else if (System.nanoTime() - unreachableSince > TimeUnit.MILLISECONDS.toNanos(UNREACHABLE_MILLIS)) {
                    stage.cancel(false);
                    throw new TimeoutException("the node that serves the file system cannot be reached (its connection is down"
                            + " since " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unreachableSince) + " ms)");
                }
            }
        }
    }

    /** A nio exception that crossed more than one member arrives as a RemoteException naming its type. */
    private static Throwable recreate(org.fos.rpc.api.RemoteException r) {
        String text = r.getMessage();
        String prefix = r.remoteType() + ": ";
        while (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        }
        int colon = text.indexOf(": ");
        String type = colon > 0 ? text.substring(0, colon) : r.remoteType();
        String message = colon > 0 ? text.substring(colon + 2) : text;
        return switch (type) {
            case "java.nio.file.NoSuchFileException" -> new NoSuchFileException(message);
            case "java.nio.file.NotDirectoryException" -> new NotDirectoryException(message);
            case "java.nio.file.FileAlreadyExistsException" -> new FileAlreadyExistsException(message);
            case "java.nio.file.DirectoryNotEmptyException" -> new DirectoryNotEmptyException(message);
            case "java.nio.file.AccessDeniedException" -> new java.nio.file.AccessDeniedException(message);
            case "java.nio.file.FileSystemException" -> new FileSystemException(message);
            case "org.fos.fs.api.TryAgainException" -> new TryAgainException(message);
            default -> r;
        };
    }

    private static boolean starting(Throwable t) {
        return t instanceof FleetException f && !(t instanceof org.fos.rpc.api.RemoteException) && f.status() == Status.NO_SUCH_NAME;
    }

    private static boolean retryable(Throwable t) {
        return t instanceof TryAgainException
                || (t instanceof FleetException f && !(t instanceof org.fos.rpc.api.RemoteException) && f.status() == Status.CLOSED);
    }

    /**
     * The reason of a member's exception without the member's name of the file (an inode number,
     * which means nothing to the caller): the caller's exception names the caller's path instead.
     */
    static String reasonOf(FileSystemException f) {
        if (f.getReason() != null) {
            return stripInode(f.getReason());
        }
        String text = f.getFile();
        if (text == null) {
            return null;
        }
        String stripped = stripInode(text);
        return stripped.isEmpty() || stripped.equals(text) && text.startsWith("inode ") ? null : stripped;
    }

    private static String stripInode(String text) {
        return text.replaceFirst("^inode \\d+(/[^:]*)?(: )?", "").replaceAll(" ?\\(?inode \\d+\\)?", "");
    }

    /** The server's exception as the same type about the client's path; its text becomes the reason. */
    static IOException translate(Throwable t, String file, String other) {
        if (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof org.fos.rpc.api.RemoteException r) {
            t = recreate(r);
        }
        if (t instanceof FileSystemException f) {
            String reason = reasonOf(f);
            if (t instanceof NoSuchFileException) {
                return new NoSuchFileException(file, other, reason);
            }
            if (t instanceof NotDirectoryException) {
                return new NotDirectoryException(file);
            }
            if (t instanceof FileAlreadyExistsException) {
                return new FileAlreadyExistsException(file, other, reason);
            }
            if (t instanceof DirectoryNotEmptyException) {
                // a delete's directory, or a move's: then only its target can be the directory that has entries
                return new DirectoryNotEmptyException(other != null ? other : file);
            }
            if (t instanceof java.nio.file.AccessDeniedException) {
                return new java.nio.file.AccessDeniedException(file, other, reason);
            }
            return new FileSystemException(file, other, reason);
        }
        if (t instanceof IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + file + ")", e);
        }
        if (t instanceof IOException io) {
            return io;
        }
        return new IOException("the file system failed about " + file + ": " + t, t);
    }
}
