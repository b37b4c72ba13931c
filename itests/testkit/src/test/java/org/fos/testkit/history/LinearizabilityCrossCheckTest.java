package org.fos.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

import org.fos.testkit.history.Linearizability.Verdict;
import org.fos.testkit.history.Operation.Kind;
import org.fos.testkit.history.Operation.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with a search written straight from the definition (every order that
 * respects real time, every subset of the unknown changes) on thousands of small random histories:
 * histories of a real register, some with one result altered, with unknown and failed operations,
 * compare-and-sets and deletes that report.
 */
class LinearizabilityCrossCheckTest {
    private static final String[] VALUES = {"a", "b", "c"};

    @Test
    void shouldAgreeWithTheDefinitionOnRandomHistories() {
        Random random = new Random(20261203);
        int linearizable = 0;
        int not = 0;
        for (int round = 0; round < 4000; round++) {
            List<Operation> ops = randomHistory(random, round % 2 == 0);
            boolean expected = new Definition(ops).linearizable();
            Verdict got = Linearizability.registers().checkKey("x", ops).verdict();
            assertEquals(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE, got, () -> "round " + describe(ops));
            if (expected) {
                linearizable++;
                Anomalies a = Anomalies.of(ops);
                assertTrue(a.none(), () -> "an anomaly in a linearizable history: " + a.examples() + " in " + describe(ops));
            } else {
                not++;
            }
        }
        assertTrue(linearizable > 1000 && not > 1000, "both kinds were tried: " + linearizable + " linearizable, " + not + " not");
    }

    private static String describe(List<Operation> ops) {
        StringBuilder s = new StringBuilder();
        ops.forEach(op -> s.append("\n  ").append(op.describe()));
        return s.toString();
    }

    /** A register run by a random schedule, then perhaps one result altered. */
    static List<Operation> randomHistory(Random random, boolean sharp) {
        int processes = 2 + random.nextInt(3);
        int count = 2 + random.nextInt(7);
        record Planned(int process, Kind kind, String value, String expected, boolean reports, double invoke, double effect,
                double complete, Outcome outcome) {
        }
        List<Planned> planned = new ArrayList<>();
        double[] free = new double[processes];
        for (int i = 0; i < count; i++) {
            int p = random.nextInt(processes);
            Kind kind;
            int k = random.nextInt(sharp ? 10 : 7);
            if (k < 3) {
                kind = Kind.READ;
            } else if (k < 6) {
                kind = Kind.WRITE;
            } else if (k < 7 || (k < 8 && sharp)) {
                kind = Kind.DELETE;
            } else {
                kind = Kind.CAS;
            }
            double invoke = free[p] + random.nextDouble() * 3;
            double effect = invoke + random.nextDouble() * 2;
            double complete = effect + random.nextDouble() * 2;
            Outcome outcome = Outcome.OK;
            double o = random.nextDouble();
            if (o < 0.18) {
                outcome = Outcome.UNKNOWN;
                if (random.nextBoolean()) {
                    effect = invoke + random.nextDouble() * 12; // perhaps long after the client gave up
                } else {
                    effect = Double.NaN; // never
                }
            } else if (o < 0.26) {
                outcome = Outcome.FAIL;
                effect = Double.NaN;
            }
            free[p] = complete;
            String value = kind == Kind.WRITE || kind == Kind.CAS ? VALUES[random.nextInt(VALUES.length)] : null;
            String expected = kind == Kind.CAS && random.nextInt(4) > 0 ? VALUES[random.nextInt(VALUES.length)] : null;
            planned.add(new Planned(p, kind, value, expected, sharp && random.nextBoolean(), invoke, effect, complete, outcome));
        }
        // run the effects in time order on a register
        Integer[] byEffect = new Integer[count];
        for (int i = 0; i < count; i++) {
            byEffect[i] = i;
        }
        Arrays.sort(byEffect, (a, b) -> Double.compare(planned.get(a).effect(), planned.get(b).effect()));
        String[] readValue = new String[count];
        Boolean[] applied = new Boolean[count];
        String state = null;
        for (int i : byEffect) {
            Planned op = planned.get(i);
            if (Double.isNaN(op.effect())) {
                continue;
            }
            switch (op.kind()) {
                case READ -> readValue[i] = state;
                case WRITE -> state = op.value();
                case DELETE -> {
                    applied[i] = op.reports() ? state != null : null;
                    state = null;
                }
                case CAS -> {
                    applied[i] = Objects.equals(state, op.expected());
                    if (applied[i]) {
                        state = op.value();
                    }
                }
            }
        }
        // event indices from the times
        List<double[]> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Planned op = planned.get(i);
            events.add(new double[] {op.invoke(), i, 0});
            if (!(op.outcome() == Outcome.UNKNOWN && random.nextBoolean())) {
                events.add(new double[] {op.complete(), i, 1});
            }
        }
        events.sort((a, b) -> Double.compare(a[0], b[0]));
        long[] invokeAt = new long[count];
        long[] completeAt = new long[count];
        Arrays.fill(completeAt, -1);
        for (int e = 0; e < events.size(); e++) {
            double[] ev = events.get(e);
            if (ev[2] == 0) {
                invokeAt[(int) ev[1]] = e + 1;
            } else {
                completeAt[(int) ev[1]] = e + 1;
            }
        }
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Planned op = planned.get(i);
            boolean ok = op.outcome() == Outcome.OK;
            String value = op.kind() == Kind.READ ? (ok ? readValue[i] : null) : op.value();
            Boolean result = ok && (op.kind() == Kind.CAS || op.kind() == Kind.DELETE) ? applied[i] : null;
            ops.add(new Operation(i + 1, op.process(), "x", op.kind(), value, op.expected(), result, op.outcome(), invokeAt[i],
                    completeAt[i], 0, -1, null));
        }
        if (random.nextBoolean()) {
            alter(random, ops);
        }
        return ops;
    }

    /** Changes one result: a read's value or a compare-and-set's or delete's answer. */
    private static void alter(Random random, List<Operation> ops) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            if (op.outcome() == Outcome.OK && (op.kind() == Kind.READ || op.applied() != null)) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        int i = candidates.get(random.nextInt(candidates.size()));
        Operation op = ops.get(i);
        if (op.kind() == Kind.READ) {
            String v = random.nextInt(4) == 0 ? null : VALUES[random.nextInt(VALUES.length)];
            ops.set(i, new Operation(op.id(), op.process(), op.key(), op.kind(), v, null, null, op.outcome(), op.invoke(), op.complete(), 0,
                    -1, null));
        } else {
            ops.set(i, new Operation(op.id(), op.process(), op.key(), op.kind(), op.value(), op.expected(), !op.applied(), op.outcome(),
                    op.invoke(), op.complete(), 0, -1, null));
        }
    }

    /** Linearizability as defined: some order of the operations that took effect, respecting real time, explains every result. */
    static final class Definition {
        private final List<Operation> must = new ArrayList<>();
        private final List<Operation> maybe = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();

        Definition(List<Operation> ops) {
            for (Operation op : ops) {
                if (op.outcome() == Outcome.OK) {
                    must.add(op);
                } else if (op.outcome() == Outcome.UNKNOWN && op.kind() != Kind.READ) {
                    maybe.add(op);
                }
            }
        }

        boolean linearizable() {
            return search(0, 0, null);
        }

        /** placedMust and placedMaybe are bit sets over must and maybe. */
        private boolean search(long placedMust, long placedMaybe, String state) {
            if (placedMust == (1L << must.size()) - 1) {
                return true;
            }
            if (!seen.add(placedMust + "/" + placedMaybe + "/" + state)) {
                return false;
            }
            for (int i = 0; i < must.size(); i++) {
                if ((placedMust & (1L << i)) == 0 && mayGoNext(must.get(i), placedMust)) {
                    String[] after = apply(must.get(i), state);
                    if (after != null && search(placedMust | (1L << i), placedMaybe, after[0])) {
                        return true;
                    }
                }
            }
            for (int i = 0; i < maybe.size(); i++) {
                if ((placedMaybe & (1L << i)) == 0 && mayGoNext(maybe.get(i), placedMust)) {
                    String[] after = apply(maybe.get(i), state);
                    if (after != null && search(placedMust, placedMaybe | (1L << i), after[0])) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Every acknowledged operation that completed before op was invoked is placed already. */
        private boolean mayGoNext(Operation op, long placedMust) {
            for (int j = 0; j < must.size(); j++) {
                if ((placedMust & (1L << j)) == 0 && must.get(j).complete() < op.invoke()) {
                    return false;
                }
            }
            return true;
        }

        /** The state after op (in a one-element array, so that null is a state), or null if op cannot happen in state. */
        private static String[] apply(Operation op, String state) {
            boolean unknown = op.outcome() == Outcome.UNKNOWN;
            return switch (op.kind()) {
                case READ -> Objects.equals(op.value(), state) ? new String[] {state} : null;
                case WRITE -> new String[] {op.value()};
                case DELETE -> op.applied() == null || op.applied() == (state != null) ? new String[] {null} : null;
                case CAS -> {
                    boolean matches = Objects.equals(state, op.expected());
                    if (unknown || op.applied()) {
                        yield matches ? new String[] {op.value()} : null;
                    }
                    yield matches ? null : new String[] {state};
                }
            };
        }
    }
}
