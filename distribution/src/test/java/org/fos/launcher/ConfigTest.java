package org.fos.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldSubstituteGivenValuesOtherKeysAndSystemProperties() throws Exception {
        Path file = dir.resolve("config.properties");
        Files.writeString(file, "a=${fos.base}/data\nb=${a}/cache\nc=${java.version}\nplain=x\n");
        Map<String, String> c = Main.Config.load(file, Map.of("fos.base", "/n1", "fos.home", "/h"));
        assertThat(c).containsEntry("a", "/n1/data").containsEntry("b", "/n1/data/cache")
                .containsEntry("c", System.getProperty("java.version")).containsEntry("plain", "x")
                .containsEntry("fos.home", "/h");
    }

    @Test
    void shouldNameTheKeyOfAnUnsetOrCyclicReference() throws Exception {
        Path file = dir.resolve("config.properties");
        Files.writeString(file, "a=${nowhere.set}\n");
        assertThatThrownBy(() -> Main.Config.load(file, Map.of("fos.base", "/n1")))
                .hasMessageContaining("property 'a' refers to ${nowhere.set}, which is not set");
        Files.writeString(file, "a=${b}\nb=${a}\n");
        assertThatThrownBy(() -> Main.Config.load(file, Map.of("fos.base", "/n1"))).hasMessageContaining("refers to itself");
        Files.writeString(file, "a=${b\n");
        assertThatThrownBy(() -> Main.Config.load(file, Map.of("fos.base", "/n1"))).hasMessageContaining("unclosed ${");
    }

    @Test
    void shouldInstallTheConsoleUnlessTheSettingSaysFalseAndRefuseOtherWords() {
        String was = System.getProperty(Main.CONSOLE);
        try {
            System.clearProperty(Main.CONSOLE);
            assertThat(Main.console(Map.of())).isTrue();
            assertThat(Main.console(Map.of(Main.CONSOLE, "false"))).isFalse();
            assertThat(Main.console(Map.of(Main.CONSOLE, " true "))).isTrue();
            assertThatThrownBy(() -> Main.console(Map.of(Main.CONSOLE, "no"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fos.console must be true or false, was 'no'");
            assertThat(Main.console(Map.of(Main.CONSOLE_CONNECTIONS, "10000"))).isTrue();
            assertThatThrownBy(() -> Main.console(Map.of(Main.CONSOLE_CONNECTIONS, "0")))
                    .hasMessage("fos.console.connections must be a number from 1 to 10000, was '0'");
            assertThatThrownBy(() -> Main.console(Map.of(Main.CONSOLE_CONNECTIONS, "lots")))
                    .hasMessage("fos.console.connections must be a number from 1 to 10000, was 'lots'");
            assertThat(Main.console(Map.of(Main.CONSOLE, "false", Main.CONSOLE_CONNECTIONS, "lots")))
                    .as("no limit to check without the console").isFalse();
            System.setProperty(Main.CONSOLE, "false");
            assertThat(Main.console(Map.of(Main.CONSOLE, "true"))).as("the system property wins").isFalse();
        } finally {
            if (was == null) {
                System.clearProperty(Main.CONSOLE);
            } else {
                System.setProperty(Main.CONSOLE, was);
            }
        }
    }
}
