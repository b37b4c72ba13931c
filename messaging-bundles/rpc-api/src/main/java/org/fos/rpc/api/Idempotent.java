package org.fos.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a protocol method that may run twice without harm: when the member a call went to is gone
 * before it answered, libfos calls another member instead of failing. Methods without it are
 * retried only when the request is known not to have been delivered.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
}
