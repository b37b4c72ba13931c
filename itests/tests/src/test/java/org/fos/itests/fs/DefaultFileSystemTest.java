package org.fos.itests.fs;

import static org.fos.testkit.FosOptions.fileSystemFleet;
import static org.fos.testkit.FosOptions.fosNode;

import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;

/** Tests on the default file system of {@code FosOptions.fileSystemFleet()}: /sys/fs with 2 members on a RAM device. */
public abstract class DefaultFileSystemTest extends FileSystemSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode(fileSystemFleet())};
    }

    @Before
    public void setUp() throws Exception {
        ready(2);
    }
}
