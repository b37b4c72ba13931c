package org.fos.replication.impl;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.server.RaftServer;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;

/**
 * How a request reaches its group: to this node's own replica without a network hop, else through a
 * Raft client to the group's leader wherever it is; waiting for placement to make a group that is on no
 * node yet, retrying within the request timeout what failed for a reason that can pass (no leader yet,
 * a leader stepping down), and failing the rest with the {@link FleetException} status that says why.
 */
final class Requests {
    private final RaftNode node;
    private final Settings settings;
    private final Counters counters;
    private final ClientId localClient = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    Requests(RaftNode node, Settings settings, Counters counters) {
        this.node = node;
        this.settings = settings;
        this.counters = counters;
    }

    /**
     * Submits a request to a group and completes with the reply's content, or fails with a
     * {@link FleetException} whose status says why.
     */
    CompletableFuture<Message> submit(String fleet, int group, RaftNode.Kind kind, Message message) {
        RaftGroupId id = node.groupId(fleet, group);
        switch (kind) {
            case WRITE -> counters.writes.increment();
            case READ -> counters.reads.increment();
            default -> counters.staleReads.increment();
        }
        return placed(fleet, group, id, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PLACEMENT_WAITS * settings.requestTimeoutMillis()))
                .thenCompose(ready -> submitPlaced(fleet, group, id, kind, message));
    }

    /** How many request timeouts a request waits for a new group's first placement. */
    private static final int PLACEMENT_WAITS = 6;

    /**
     * Completes once this node knows where a group is (a fleet's groups are made by placement
     * shortly after the fleet starts), or fails after the deadline.
     */
    CompletableFuture<Void> placed(String fleet, int group, RaftGroupId id, long deadline) {
        if (node.division(id) != null || node.hasClient(id) || !node.peers(fleet, group, id).isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (node.isClosed() || System.nanoTime() - deadline >= 0) {
            return CompletableFuture.failedFuture(new FleetException(Status.UNAVAILABLE, "group " + group + " of " + fleet
                    + " is on no node yet: placement has not made it within " + PLACEMENT_WAITS * settings.requestTimeoutMillis()
                    + " ms (fos:groups shows the groups)", null));
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        node.timer().schedule(() -> placed(fleet, group, id, deadline).whenComplete((x, e) -> {
            if (e != null) {
                f.completeExceptionally(RaftNode.unwrap(e));
            } else {
                f.complete(null);
            }
        }), 100, TimeUnit.MILLISECONDS);
        return f;
    }

    CompletableFuture<Message> submitPlaced(String fleet, int group, RaftGroupId id, RaftNode.Kind kind, Message message) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.requestTimeoutMillis());
        java.util.concurrent.atomic.AtomicReference<Throwable> last = new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<Message> result = attempt(fleet, group, id, kind, message, deadline, 0, last);
        return result.orTimeout(settings.requestTimeoutMillis(), TimeUnit.MILLISECONDS).handle((reply, error) -> {
            if (error == null) {
                return reply;
            }
            Throwable cause = RaftNode.unwrap(error);
            throw new CompletionException(failure(fleet, group, id, cause instanceof TimeoutException && last.get() != null ? last.get() : cause));
        });
    }

    /**
     * One try: this node's division if it can serve the request, else the group's client. Whatever
     * fails is tried again, after a short pause, until the deadline: a write carries its request id,
     * so a write tried again is applied once. A fleet method's own failure is not a failure here: it
     * is the outcome a replica applied, and comes back as the reply. So a {@link StateMachineException}
     * only says that the replica could not apply the request (it was stopping), and is tried again
     * too: another replica, or the group's next leader, may apply it.
     */
    CompletableFuture<Message> attempt(String fleet, int group, RaftGroupId id, RaftNode.Kind kind, Message message, long deadline,
            int attempt, java.util.concurrent.atomic.AtomicReference<Throwable> last) {
        if (node.isClosed()) {
            return CompletableFuture.failedFuture(new FleetException(Status.UNAVAILABLE, "the replication of node " + node.nodeId()
                    + " has stopped", null));
        }
        CompletableFuture<Message> tried;
        java.util.concurrent.atomic.AtomicReference<RaftClient> used = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            RaftServer.Division local = node.division(id);
            if (local != null && kind == RaftNode.Kind.STALE_READ) {
                counters.local.increment();
                tried = local.getStateMachine().query(message);
            } else if (local != null && (kind == RaftNode.Kind.READ || local.getInfo().isLeader())) {
                counters.local.increment();
                tried = local(id, kind, message);
            } else {
                tried = viaClient(fleet, group, id, kind, message, used);
            }
        } catch (IOException | RuntimeException e) {
            tried = CompletableFuture.failedFuture(e);
        }
        return tried.handle((reply, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable cause = RaftNode.unwrap(error);
            last.set(cause);
            if (node.isClosed() || System.nanoTime() - deadline >= 0) {
                return CompletableFuture.<Message>failedFuture(cause);
            }
            if ((cause instanceof GroupMismatchException || cause instanceof AlreadyClosedException) && used.get() != null) {
                // only the client that failed: another request may have made its successor already
                node.dropClient(id, used.get());
            }
            return later(() -> attempt(fleet, group, id, kind, message, deadline, attempt + 1, last));
        }).thenCompose(f -> f);
    }

    /** Submits to this node's own division, without a network hop. */
    CompletableFuture<Message> local(RaftGroupId id, RaftNode.Kind kind, Message message) throws IOException {
        RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(localClient).setServerId(node.server().getId())
                .setGroupId(id).setCallId(callIds.incrementAndGet()).setMessage(message)
                .setType(kind == RaftNode.Kind.WRITE ? RaftClientRequest.writeRequestType() : RaftClientRequest.readRequestType())
                .build();
        return node.server().submitClientRequestAsync(request).thenCompose(Requests::content);
    }

    static CompletableFuture<Message> content(RaftClientReply reply) {
        if (reply.isSuccess()) {
            return CompletableFuture.completedFuture(reply.getMessage());
        }
        if (reply.getStateMachineException() != null) {
            return CompletableFuture.failedFuture(reply.getStateMachineException());
        }
        return CompletableFuture.failedFuture(reply.getException() != null ? reply.getException()
                : new IOException("the group refused the request: " + reply));
    }

    /** Sends through the group's client, which finds the leader; {@code used} is told which client that was. */
    CompletableFuture<Message> viaClient(String fleet, int group, RaftGroupId id, RaftNode.Kind kind, Message message,
            java.util.concurrent.atomic.AtomicReference<RaftClient> used) {
        RaftClient client = node.client(fleet, group, id);
        used.set(client);
        counters.forwarded.increment();
        CompletableFuture<RaftClientReply> reply = switch (kind) {
            case WRITE -> client.async().send(message);
            case READ -> client.async().sendReadOnly(message);
            default -> client.async().sendStaleRead(message, 0, node.peers(fleet, group, id).get(0).getId());
        };
        return reply.thenCompose(Requests::content);
    }

    /** Tries again after a short pause, on the request thread pool (a Raft client may block its caller while its window is full). */
    CompletableFuture<Message> later(Supplier<CompletableFuture<Message>> again) {
        CompletableFuture<Message> f = new CompletableFuture<>();
        node.timer().schedule(() -> node.executor().execute(() -> again.get().whenComplete((m, e) -> {
            if (e != null) {
                f.completeExceptionally(RaftNode.unwrap(e));
            } else {
                f.complete(m);
            }
        })), 100, TimeUnit.MILLISECONDS);
        return f;
    }

    FleetException failure(String fleet, int group, RaftGroupId id, Throwable error) {
        Throwable cause = RaftNode.unwrap(error);
        GroupMachine local = node.machine(id);
        if (cause instanceof TimeoutException && local != null && local.isStopping()) {
            // not the group's quorum: the request waited on this node's replica, which closes (a read for an
            // applied index that a closing replica no longer reaches, a write it no longer applies)
            return new FleetException(Status.UNAVAILABLE, "group " + group + " of " + fleet + " did not answer within "
                    + settings.requestTimeoutMillis() + " ms: its replica on node " + node.nodeId()
                    + " is stopping; the group's other replicas, or this one after a restart, serve it", cause);
        }
        if (cause instanceof FleetException fe) {
            if (fe.status() == Status.NO_QUORUM) {
                counters.noQuorum.increment();
            }
            return fe;
        }
        if (cause instanceof StateMachineException sme) {
            return new FleetException(Status.UNAVAILABLE, "group " + group + " of " + fleet + " could not apply the request within "
                    + settings.requestTimeoutMillis() + " ms: its replica was stopping (" + sme.getMessage() + "); a write may still be"
                    + " applied by the group's other replicas", sme);
        }
        if (cause instanceof AlreadyClosedException && node.isClosed()) {
            return new FleetException(Status.UNAVAILABLE, "the replication of node " + node.nodeId() + " has stopped", cause);
        }
        counters.noQuorum.increment();
        // a client closed under a request: another request on it failed first and dropped it (dropClient), for no answer either
        String why = cause instanceof TimeoutException || cause instanceof AlreadyClosedException ? "no answer" : cause.toString();
        return new FleetException(Status.NO_QUORUM, "group " + group + " of " + fleet + " has no leader that a majority follows"
                + " within " + settings.requestTimeoutMillis() + " ms (" + why + "); a write may still be applied if it reached"
                + " the old leader's log", cause);
    }
}
