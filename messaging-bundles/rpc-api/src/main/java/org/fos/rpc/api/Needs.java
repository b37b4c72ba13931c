package org.fos.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.fos.kernel.api.Right;

/**
 * The right a protocol method needs: the capability a call comes with must hold it, or the member
 * that receives the call refuses it with {@link org.fos.kernel.api.Status#NO_RIGHT} (counted in the
 * kernel's refusals) without running the method. On an interface it applies to every method that
 * does not say otherwise; a method with neither needs {@link Right#CALL}.
 *
 * <p>{@link Right#PEER} marks member-to-member methods (only the fleet's members, which find each
 * other through the cluster's names, hold capabilities with it); {@link Right#ADMIN} marks
 * administration (running shell commands, installing code). libfos calls such a method with the
 * member capability of the name entry it resolved, where the caller's kernel has one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Needs {

    /**
     * The right.
     *
     * @return one of {@link Right#CALL}, {@link Right#PEER}, {@link Right#ADMIN}
     */
    Right value();
}
