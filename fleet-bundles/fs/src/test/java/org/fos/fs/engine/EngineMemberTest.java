package org.fos.fs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.fos.fleet.api.MemberAware;
import org.fos.fleet.api.Stateful;
import org.fos.fs.peers.FsPeers;
import org.junit.jupiter.api.Test;

class EngineMemberTest {

    /**
     * A member hands every call of the runtime and of the protocol to its engine: a method it left to
     * an interface's default would do nothing at all (a quiesce that did nothing held every upgrade
     * for the runtime's whole drain timeout).
     */
    @Test
    void shouldHandEveryMethodOfTheRuntimeAndTheProtocolToTheEngine() throws Exception {
        for (Class<?> type : new Class<?>[] {Stateful.class, MemberAware.class, FsPeers.class}) {
            for (Method m : type.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                Method declared = EngineMember.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                assertThat(declared.isDefault()).as(type.getSimpleName() + "." + m.getName() + " handed to the engine").isTrue();
                assertThat(FsEngine.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass())
                        .as("FsEngine implements " + m.getName() + " itself").isEqualTo(FsEngine.class);
            }
        }
    }
}
