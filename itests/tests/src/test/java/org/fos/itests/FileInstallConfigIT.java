package org.fos.itests;

import static org.fos.testkit.FosOptions.fileInstall;
import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fos.testkit.support.FosTestSupport;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * The testkit's File Install never writes a configuration back into its {@code .cfg} file. When it
 * did, it rewrote the file in place after each configuration event, and a poll that caught the file
 * half rewritten emptied the configuration: now and then a file-system test found its fleet on the
 * default device {@code /dev/block/disk0} with the default number of members.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FileInstallConfigIT extends FosTestSupport {

    private static final File FOLDER = new File("target/config-" + FileInstallConfigIT.class.getSimpleName());
    private static final String PID = "org.fos.itests.probe";
    private static final String CONTENT = "# written by the test, never by File Install\na=1\n";

    @Configuration
    public Option[] config() throws IOException {
        Files.createDirectories(FOLDER.toPath());
        for (File f : FOLDER.listFiles()) {
            Files.delete(f.toPath());
        }
        Files.writeString(new File(FOLDER, PID + ".cfg").toPath(), CONTENT);
        return new Option[] {fosNode(fileInstall(FOLDER, ".*\\.cfg"))};
    }

    @Test
    public void configurationsChangedThroughConfigAdminLeaveTheirFilesAlone() throws Exception {
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        waitFor("File Install to create " + PID, () -> {
            try {
                org.osgi.service.cm.Configuration[] found = cm.listConfigurations("(service.pid=" + PID + ")");
                return found != null && "1".equals(found[0].getProperties().get("a"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        // Felix ConfigAdmin hands every listener one event after the other on one thread, so once
        // this listener has seen the second update, File Install has finished with the first.
        List<ConfigurationEvent> seen = new CopyOnWriteArrayList<>();
        ConfigurationListener listener = e -> {
            if (PID.equals(e.getPid()) && e.getType() == ConfigurationEvent.CM_UPDATED) {
                seen.add(e);
            }
        };
        ServiceRegistration<ConfigurationListener> reg = bundleContext.registerService(ConfigurationListener.class, listener, null);
        try {
            // as an operator's tool would: every property kept, File Install's own among them
            org.osgi.service.cm.Configuration c = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> props = new Hashtable<>();
            for (String key : Collections.list(c.getProperties().keys())) {
                props.put(key, c.getProperties().get(key));
            }
            props.put("b", "2");
            c.update(props);
            props.put("c", "3");
            c.update(props);
            waitFor("both updates to reach the listeners", () -> seen.size() >= 2);
        } finally {
            reg.unregister();
        }

        assertEquals("the .cfg file as the test wrote it", CONTENT,
                Files.readString(new File(FOLDER, PID + ".cfg").toPath(), StandardCharsets.ISO_8859_1));
    }
}
