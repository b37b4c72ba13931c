package org.fos.fleet.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With a real Gogo runtime: a command given arguments that fit none of its forms shows them. */
class CommandUsageTest {

    /** Commands of scope {@code t}. */
    public static final class Greeter {
        /**
         * Greets.
         *
         * @param who whom
         * @return the greeting
         */
        public String greet(String who) {
            return "hello " + who;
        }

        /**
         * Greets several times.
         *
         * @param who whom
         * @param times how often
         * @return the greetings
         */
        public String greet(String who, int times) {
            return ("hello " + who + " ").repeat(times).strip();
        }

        /**
         * Refuses its argument, as commands refuse bad input.
         *
         * @param what anything
         * @return never
         */
        public String refuse(String what) {
            throw new IllegalArgumentException("no " + what + " here");
        }
    }

    /** Stands in for Gogo's help command: says what it was asked for. */
    public static final class Help {
        /**
         * Answers which command it describes, as Gogo's help answers the text of a command's forms.
         *
         * @param name the command
         * @return the text
         */
        public String help(String name) {
            return "HELP " + name;
        }
    }

    private final java.io.PrintStream jvmOut = System.out;
    private final java.io.PrintStream jvmErr = System.err;
    private final java.io.InputStream jvmIn = System.in;
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private CommandProcessorImpl shell;
    private CommandSession session;

    @BeforeEach
    void setUp() {
        shell = new CommandProcessorImpl(threadIo);
        shell.addCommand("t", new Greeter());
        shell.addListener(new CommandUsage());
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        session = shell.createSession(new ByteArrayInputStream(new byte[0]), out, out);
    }

    @AfterEach
    void tearDown() {
        session.close();
        // Gogo puts its own streams into System.out, err and in whenever a session runs (ThreadIOImpl.checkIO), even from
        // a command thread that ends after this test: put the JVM's back, and never ThreadIOImpl.start(), which refuses
        // to run where another runtime's streams are still in place
        System.setOut(jvmOut);
        System.setErr(jvmErr);
        System.setIn(jvmIn);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void missingArgumentsShowTheCommandsHelpBeforeGogosError() {
        shell.addCommand("felix", new Help());

        assertThatThrownBy(() -> session.execute("t:greet")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot coerce greet() to any of");

        assertThat(printed()).isEqualTo("t:greet: these arguments fit none of its forms, which are:\nHELP t:greet\n");
    }

    @Test
    void argumentsOfTheWrongTypeAlsoShowIt() {
        shell.addCommand("felix", new Help());

        assertThatThrownBy(() -> session.execute("t:greet you twice")).hasMessageStartingWith("Cannot coerce greet(");

        assertThat(printed()).contains("HELP t:greet");
    }

    @Test
    void withoutAHelpCommandOnlyTheFailureIsNamed() {
        assertThatThrownBy(() -> session.execute("t:greet")).hasMessageStartingWith("Cannot coerce");

        assertThat(printed()).isEqualTo("t:greet: these arguments fit none of its forms\n");
    }

    @Test
    void aCommandsOwnRefusalAndAGoodCallPrintNothingMore() throws Exception {
        shell.addCommand("felix", new Help());

        assertThatThrownBy(() -> session.execute("t:refuse this")).hasMessage("no this here");
        assertThat(session.execute("t:greet you 2")).isEqualTo("hello you hello you");

        assertThat(printed()).isEmpty();
    }

    @Test
    void theCommandIsNamedAsTypedOrByItsOnlyScope() {
        List<String> commands = List.of("t:greet", "u:greet", "t:refuse", "felix:help");

        assertThat(CommandUsage.named("t:greet", "greet", commands)).isEqualTo("t:greet");
        assertThat(CommandUsage.named("x = 1; u:greet | t:refuse", "greet", commands)).isEqualTo("u:greet");
        assertThat(CommandUsage.named("greet", "greet", commands)).isEqualTo("greet");
        assertThat(CommandUsage.named("refuse", "refuse", commands)).isEqualTo("t:refuse");
        assertThat(CommandUsage.named("tt:greet", "greet", commands)).isEqualTo("greet");
        // a method of an object, not a command
        assertThat(CommandUsage.named("$b update 1", "update", commands)).isNull();
    }

    @Test
    void onlyGogosNoFormFailureIsRecognized() {
        assertThat(CommandUsage.function(new IllegalArgumentException("Cannot coerce call(Token) to any of [(long, String)]")))
                .isEqualTo("call");
        assertThat(CommandUsage.function(new IllegalArgumentException("Cannot coerce it"))).isNull();
        assertThat(CommandUsage.function(new IllegalStateException("Cannot coerce call() to any of []"))).isNull();
        assertThat(CommandUsage.function(new IllegalArgumentException())).isNull();
    }
}
