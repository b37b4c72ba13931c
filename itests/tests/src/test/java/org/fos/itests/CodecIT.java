package org.fos.itests;

import static org.fos.testkit.FosOptions.fosNode;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.fos.kernel.api.Mailbox;
import org.fos.kernel.api.Message;
import org.fos.kernel.api.Status;
import org.fos.kernel.spi.PayloadCodec;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.fos.testkit.support.FosTestSupport;

/**
 * The payload codec inside a node: it carries a record from another bundle (this test's) once that
 * bundle allowed it, refuses types nobody allowed, and is the codec the kernel uses when it
 * encodes every message.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CodecIT extends FosTestSupport {

    /** A record of the test's own bundle, as an API bundle would export it. */
    public record Greeting(String text, int count, List<String> tags, Map<String, Long> seen) {
    }

    /** A record nobody allows. */
    public record Smuggled(String path) {
    }

    @Configuration
    public Option[] config() {
        return new Option[] {fosNode()};
    }

    private boolean encodingAll() {
        return Boolean.parseBoolean(bundleContext.getProperty("fos.kernel.encodeAllMessages"));
    }

    @Test
    public void allowedRecordOfAnotherBundleCrossesTheCodec() throws Exception {
        PayloadCodec codec = service(PayloadCodec.class);
        Greeting greeting = new Greeting("hello", 3, List.of("a", "b"), Map.of("n-1", 7L));

        AutoCloseable allowed = codec.allow(Greeting.class);
        try {
            Object copy = codec.decode(codec.encode(greeting));

            assertEquals(greeting, copy);
            assertSame("decoded with the test bundle's own class", Greeting.class, copy.getClass());
        } finally {
            allowed.close();
        }
    }

    @Test
    public void typeNobodyAllowedIsRefusedBothWays() throws Exception {
        PayloadCodec codec = service(PayloadCodec.class);
        AutoCloseable allowed = codec.allow(Smuggled.class);
        byte[] bytes = codec.encode(new Smuggled("/etc/passwd"));
        allowed.close();

        IllegalArgumentException encode = assertThrows(IllegalArgumentException.class, () -> codec.encode(new Smuggled("/etc/passwd")));
        IllegalArgumentException decode = assertThrows(IllegalArgumentException.class, () -> codec.decode(bytes));
        assertTrue(encode.getMessage(), encode.getMessage().contains(Smuggled.class.getName()));
        assertTrue(decode.getMessage(), decode.getMessage().contains(Smuggled.class.getName()));
    }

    @Test
    public void kernelSendsAllowedRecordsAndRefusesOthersWhenItEncodesEveryMessage() throws Exception {
        PayloadCodec codec = service(PayloadCodec.class);
        Greeting greeting = new Greeting("through the kernel", 1, List.of(), Map.of());
        AutoCloseable allowed = codec.allow(Greeting.class);
        try (Mailbox box = kernel.createMailbox("codec", 16)) {
            assertEquals(Status.OK, kernel.send(Message.of(box.capability(), "greeting", greeting)));
            Message received = box.receive(30, TimeUnit.SECONDS);
            assertNotNull(received);
            assertEquals(greeting, received.payload());

            Status smuggled = kernel.send(Message.of(box.capability(), "smuggled", new Smuggled("/etc/passwd")));
            if (encodingAll()) {
                assertNotSame("the payload crossed the codec", greeting, received.payload());
                assertEquals(Status.CODEC_ERROR, smuggled);
            } else {
                assertSame("in-node payloads go by reference", greeting, received.payload());
                assertEquals(Status.OK, smuggled);
            }
        } finally {
            allowed.close();
        }
    }

    @Test
    public void configuredFormatChangesWhatTheNodeWritesWhileItReadsBoth() throws Exception {
        PayloadCodec codec = service(PayloadCodec.class);
        Greeting greeting = new Greeting("either format", 2, List.of("x"), Map.of());
        AutoCloseable allowed = codec.allow(Greeting.class);
        org.osgi.service.cm.Configuration config = service(ConfigurationAdmin.class).getConfiguration("org.fos.codec", "?");
        try {
            byte[] binary = codec.encode(greeting);
            assertEquals("the binary format's mark", (byte) 0xF5, binary[0]);

            config.update(new Hashtable<>(Map.of("format", "smile")));
            byte[] smile = awaitFormat(codec, greeting, (byte) ':');
            assertEquals(greeting, codec.decode(smile));
            assertEquals(greeting, codec.decode(binary));

            config.update(new Hashtable<>(Map.of("format", "smiel")));
            // once the codec's component has the typo, it goes on writing Smile; the next change is made only then,
            // since two changes made at once were once left with the codec writing Smile for 30 s (verify of f6c7d01)
            awaitConfigured("smiel");
            assertEquals("a typo changes nothing", (byte) ':', codec.encode(greeting)[0]);
            config.update(new Hashtable<>(Map.of("format", "binary")));
            assertEquals(greeting, codec.decode(awaitFormat(codec, greeting, (byte) 0xF5)));
            assertSame("the codec kept its allow-list through the changes", codec, service(PayloadCodec.class));
        } finally {
            config.delete();
            allowed.close();
        }
    }

    /** Waits until Declarative Services gives the codec's component a configuration with this format. */
    private void awaitConfigured(String format) throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        eventually("the codec's component configured with format " + format, Duration.ofSeconds(30), () -> {
            for (ComponentDescriptionDTO desc : scr.getComponentDescriptionDTOs()) {
                for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(desc)) {
                    if ("org.fos.codec".equals(cc.properties.get("service.pid"))
                            && format.equals(cc.properties.get("format"))) {
                        return cc;
                    }
                }
            }
            throw new IllegalStateException("no component of PID org.fos.codec has format " + format);
        });
    }

    /** Encodes until the bytes start as the format a configuration change asked for (ConfigAdmin delivers it on its own thread). */
    private static byte[] awaitFormat(PayloadCodec codec, Object payload, byte first) {
        return eventually("the codec writes bytes starting with " + first, Duration.ofSeconds(30), () -> {
            byte[] bytes = codec.encode(payload);
            if (bytes[0] != first) {
                throw new IllegalStateException("starts with " + bytes[0]);
            }
            return bytes;
        });
    }
}
