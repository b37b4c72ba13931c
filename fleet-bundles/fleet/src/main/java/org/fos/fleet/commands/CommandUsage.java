package org.fos.fleet.commands;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.service.component.annotations.Component;

/**
 * Shows a shell command's forms when the arguments it was given fit none of them. Gogo then says
 * only {@code Cannot coerce call(Token) to any of [(long, String, String, String, String[])]}: the
 * Java types of the command's methods, not what to type. After such a failure this prints the
 * command's help (Gogo's {@code help}: each form with its options and parameters, described by the
 * command itself) to the session's console, before the shell prints the error. It does so for every command
 * of the shell, fos's and the others', in the terminal and in remote commands ({@code fos:remote},
 * {@code fos-cluster shell}); a failure that is not about a command's arguments is left alone.
 */
@Component(service = CommandSessionListener.class)
public final class CommandUsage implements CommandSessionListener {
    /** Gogo's message when no method of a command takes the arguments given (Reflective.invoke). */
    private static final Pattern NO_FORM = Pattern.compile("Cannot coerce ([\\w.$-]+)\\(.*\\) to any of \\[.*\\]", Pattern.DOTALL);
    /** The session variable under which Gogo lists its commands as {@code scope:function}. */
    private static final String COMMANDS = ".commands";

    /** Set while this thread runs {@code help}: a failure of it is not explained again. */
    private final ThreadLocal<Boolean> helping = ThreadLocal.withInitial(() -> false);

    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
        // nothing before: only a failure is explained
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        // nothing after a success
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        PrintStream console = session.getConsole();
        if (console == null || helping.get()) {
            return;
        }
        String function = function(exception);
        if (function == null) {
            return;
        }
        Collection<String> commands = commands(session);
        String named = named(command, function, commands);
        if (named == null) {
            return;
        }
        if (commands.stream().noneMatch(c -> c.endsWith(":help"))) {
            console.println(named + ": these arguments fit none of its forms");
            return;
        }
        console.println(named + ": these arguments fit none of its forms, which are:");
        helping.set(true);
        try {
            // Gogo's help answers the text (the shell prints a command's value), so it is printed here
            Object help = session.execute("help " + named);
            if (help != null) {
                String text = String.valueOf(help);
                console.print(text.endsWith("\n") ? text : text + "\n");
            }
        } catch (Exception e) {
            console.println("(help " + named + " failed: " + e + ")");
        } finally {
            helping.set(false);
        }
    }

    /** The function whose arguments fit none of its methods, from Gogo's message; null if it is another failure. */
    static String function(Exception exception) {
        if (!(exception instanceof IllegalArgumentException) || exception.getMessage() == null) {
            return null;
        }
        Matcher m = NO_FORM.matcher(exception.getMessage());
        return m.matches() ? m.group(1) : null;
    }

    /**
     * The command to show: {@code scope:function} if the command line names it so, else the bare
     * function (help then shows it in every scope); null if no command of the shell has that function,
     * as when a method of an object, not a command, was called.
     */
    static String named(CharSequence commandLine, String function, Collection<String> commands) {
        String lower = function.toLowerCase(Locale.ROOT);
        List<String> scoped = commands.stream().filter(c -> c.toLowerCase(Locale.ROOT).endsWith(":" + lower)).toList();
        if (scoped.isEmpty()) {
            return null;
        }
        Matcher m = Pattern.compile("(?<![\\w.$:-])([\\w.$-]+):" + Pattern.quote(function) + "(?![\\w.$-])", Pattern.CASE_INSENSITIVE)
                .matcher(commandLine);
        while (m.find()) {
            String typed = m.group(1) + ":" + function;
            if (scoped.stream().anyMatch(c -> c.equalsIgnoreCase(typed))) {
                return typed;
            }
        }
        return scoped.size() == 1 ? scoped.get(0) : function;
    }

    @SuppressWarnings("unchecked")
    private static Collection<String> commands(CommandSession session) {
        Object commands = session.get(COMMANDS);
        return commands instanceof Collection<?> c ? (Collection<String>) c : List.of();
    }
}
