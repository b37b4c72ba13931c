package org.fos.benchmarks.burn.impl;

import org.fos.benchmarks.burn.Burn;
import org.fos.fleet.api.Fleet;
import org.osgi.service.component.annotations.Component;

/**
 * The fleet {@value Burn#FIXED} of row 14: one instance shared by its members (it keeps no state), as
 * many members as its configuration says ({@code fos.fleet.members}, PID {@value Burn#FIXED_PID}).
 */
@Component(service = Burn.class)
@Fleet(name = Burn.FIXED, members = 1)
public class BurnMember implements Burn {

    @Override
    public long burn(long seed, int rounds) {
        return Burn.work(seed, rounds);
    }

    @Override
    public String burnBy(long seed, int rounds) {
        Burn.work(seed, rounds);
        return Thread.currentThread().getName();
    }
}
