package org.fos.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a protocol, or one of its methods, whose fleet applies each request at most once per
 * request id (see {@link CallContext}): a replicated fleet, whose state machines remember the
 * request ids they applied. libfos may then send such a call again, with the same request id, when
 * the member it went to is gone before it answered, as it does for {@link Idempotent} methods: the
 * call takes effect exactly once.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Deduplicated {
}
