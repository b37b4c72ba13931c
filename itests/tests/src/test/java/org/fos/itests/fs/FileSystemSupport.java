package org.fos.itests.fs;

import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.fos.fs.api.FileSystemFleet;
import org.fos.fs.api.FosFiles;
import org.fos.fs.api.FsckReport;
import org.fos.testkit.support.FosTestSupport;

/** What the file-system tests share: the file system's paths and its check. */
public abstract class FileSystemSupport extends FosTestSupport {

    protected FosFiles files;

    /** Waits for the fleet and the provider. */
    protected void ready(int members) throws Exception {
        fleetServing(FileSystemFleet.NAME, members);
        files = service(FosFiles.class);
    }

    protected Path path(String p) {
        return files.path(p);
    }

    /** Checks the file system through its fleet: clean, or the test fails with the problems. */
    protected FsckReport assertFsckClean(String fleet) throws Exception {
        FsckReport r = client(FileSystemFleet.class, fleet).fsck().toCompletableFuture().get(2, TimeUnit.MINUTES);
        assertTrue("fsck of " + fleet + " found " + r.problemCount() + " problems: " + r.problems(), r.clean());
        return r;
    }

    protected static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
