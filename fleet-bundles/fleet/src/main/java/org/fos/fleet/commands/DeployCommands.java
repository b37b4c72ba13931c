package org.fos.fleet.commands;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.fos.fleet.impl.DeployFolder;
import org.fos.fleet.impl.DeployWatcher;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code fos:deploy}: what each jar in the node's {@code deploy/} folder is to the node. Returns data
 * and leaves printing to the shell.
 */
@Component(service = DeployCommands.class, property = {"osgi.command.scope=fos", "osgi.command.function=deploy"})
public final class DeployCommands {
    private final DeployWatcher watcher;

    /**
     * Creates the command.
     *
     * @param watcher the deploy folder's watcher
     */
    @Activate
    public DeployCommands(@Reference DeployWatcher watcher) {
        this.watcher = watcher;
    }

    /**
     * Lists the jars in the deploy folder.
     *
     * @return one entry a jar
     */
    @Descriptor("list every jar in deploy/ with what it is to this node: ACTIVE (and the fleets it serves), STOPPED, UNRESOLVED"
            + " (the imports no bundle here exports, such as a fleet's API), NOT_INSTALLED, NOT_A_JAR or NOT_A_BUNDLE, and what to do")
    public List<DeployFolder.Jar> deploy() {
        if (watcher.folders().isEmpty()) {
            throw new IllegalStateException("this node has no deploy folder: neither fos.base nor a felix.fileinstall.dir that takes jars is set");
        }
        return watcher.report();
    }
}
