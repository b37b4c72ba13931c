package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.bundleFile;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.fos.fleet.api.FleetInfo;
import org.fos.fleet.api.FleetRuntime;
import org.fos.fleet.api.UpgradeReport;
import org.fos.fs.api.FileSystemFleet;
import org.fos.testkit.support.CommandResult;
import org.fos.kernel.api.Status;
import org.fos.rpc.api.FleetException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Removing a {@code Stateful} fleet (issue 12, item 2): uninstalling the file-system fleet's bundle
 * takes {@code /sys/fs} away, so a file call fails at once with {@code NO_SUCH_NAME} (the client asks the node's
 * fleet runtime, which lists the fleet as removed, instead of waiting for a fleet that is starting); the state its
 * members exported is kept, and installing the bundle again takes it over, with the files written before.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileSystemRemovalIT extends DefaultFileSystemTest {

    @Test
    public void aRemovedStatefulFleetFailsFastAndItsNextVersionTakesTheKeptState() throws Exception {
        fleetServing(FileSystemFleet.NAME, 2);
        Path file = path("/removal/kept.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "written before the removal");
        FleetRuntime runtime = service(FleetRuntime.class);

        Bundle fs = bundle("org.fos.fs");
        fs.uninstall();
        FleetInfo removed = runtime.fleet(FileSystemFleet.NAME);
        assertEquals(FleetInfo.Status.REMOVED, removed.status());
        assertTrue(removed.detail(), removed.detail().contains("kept in memory") && removed.detail().contains("fos:drop"));
        try {
            Files.readString(file);
            fail("a removed file system answered");
        } catch (IOException e) {
            assertTrue("the failure names NO_SUCH_NAME: " + e, causedByNoSuchName(e));
            // the client asked the node and did not take the removed fleet for one that is starting (which it waits for)
            assertTrue("the failure says the node removed the fleet, and why: " + e,
                    e.getMessage().contains(FileSystemFleet.NAME + " was removed on node") && e.getMessage().contains(removed.detail()));
        }
        // the shell's whole-fleet commands ask the node too, rather than wait for a fleet that is not coming
        CommandResult df = execute("fs:df");
        assertTrue("fs:df fails and says the node removed the fleet: " + df.output(),
                df.failed() && df.output().contains(FileSystemFleet.NAME + " was removed on node"));

        int before = runtime.upgrades().size();
        bundleContext.installBundle(bundleFile("fos-fs").toURI().toString()).start();
        UpgradeReport back = awaitUpgrade(FileSystemFleet.NAME, before);
        assertEquals(back.detail(), UpgradeReport.Outcome.UPGRADED, back.outcome());
        assertTrue(back.detail(), back.detail().contains("serves the state it kept"));
        fleetServing(FileSystemFleet.NAME, 2);
        assertEquals("written before the removal", Files.readString(file));
    }

    private static boolean causedByNoSuchName(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FleetException fe && fe.status() == Status.NO_SUCH_NAME || String.valueOf(c.getMessage()).contains("NO_SUCH_NAME")) {
                return true;
            }
        }
        return false;
    }
}
