/** The protocol of the benchmarks' workload fleets (rows 14 and 15): calls that cost a fixed amount of CPU work. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.fos.benchmarks.burn;
