package org.fos.benchmarks.burn.impl;

import org.fos.benchmarks.burn.Burn;
import org.fos.fleet.api.Elastic;
import org.fos.fleet.api.Fleet;
import org.osgi.service.component.annotations.Component;

/**
 * The elastic fleet {@value Burn#ELASTIC} of row 15: one instance shared by its members, 1 to 3 of
 * them, growing when more than 2 calls a member have waited for half a second and shrinking after a
 * second without queued calls (the elastic test fleet's settings, with a shorter idle time so that a
 * trial of the benchmark gets back to one member sooner).
 */
@Component(service = Burn.class)
@Fleet(name = Burn.ELASTIC, members = 1)
@Elastic(min = 1, max = 3, depth = 2, periodMillis = 500, idleMillis = 1000)
public class ElasticBurnMember extends BurnMember {
    // the same calls as the fixed fleet's; only the fleet's name and sizing differ
}
