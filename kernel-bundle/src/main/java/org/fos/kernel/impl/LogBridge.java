package org.fos.kernel.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the entries of the OSGi log (Declarative Services, the framework, any bundle that logs
 * the OSGi way) into SLF4J, so that a node has one log and nothing prints on the shell's console.
 * The entries logged before the kernel started, which the log service keeps, are carried first.
 * Which levels reach the OSGi log is the log service's business (a node sets warnings and errors);
 * the framework's routine bundle and service events, which the Felix log service records whatever
 * the level, are left out unless they are warnings or errors.
 */
@Component(immediate = true)
public final class LogBridge implements LogListener {
    private final LogReaderService reader;
    private final long since;

    /**
     * Starts carrying entries.
     *
     * @param reader the log service's reader
     */
    @Activate
    public LogBridge(@Reference LogReaderService reader) {
        this.reader = reader;
        this.since = System.currentTimeMillis();
        reader.addLogListener(this);
        List<LogEntry> earlier = new ArrayList<>();
        for (Enumeration<LogEntry> e = reader.getLog(); e.hasMoreElements();) {
            LogEntry entry = e.nextElement();
            if (entry.getTime() < since) {
                earlier.add(entry);
            }
        }
        Collections.reverse(earlier); // the reader gives the newest first
        earlier.forEach(this::logged);
    }

    /** Stops carrying entries. */
    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        String name = entry.getLoggerName();
        if (name != null && name.startsWith("Events.") && entry.getLogLevel().implies(LogLevel.INFO)) {
            return;
        }
        Logger log = LoggerFactory.getLogger(entry.getLoggerName() == null ? "osgi" : entry.getLoggerName());
        Bundle b = entry.getBundle();
        String message = (b == null ? "" : "[" + b.getSymbolicName() + "/" + b.getVersion() + "] ") + entry.getMessage();
        Throwable t = entry.getException();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> log.error(message, t);
            case WARN -> log.warn(message, t);
            case INFO -> log.info(message, t);
            case DEBUG -> log.debug(message, t);
            default -> log.trace(message, t);
        }
    }
}
