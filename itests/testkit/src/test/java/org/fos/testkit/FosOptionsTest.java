package org.fos.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The file-system fleet's extra settings are refused unless each is one line of the configuration. */
class FosOptionsTest {

    @Test
    void shouldRefuseASettingThatIsNotOneLine() {
        for (Map<String, String> bad : java.util.List.of(Map.of("", "1"), Map.of("a=b", "1"), Map.of("a b", "1"),
                Map.of("maxLocks", "1\nmaxLocksPerHolder=999"), Map.of("maxLocks", "1\r"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FosOptions.fileSystemFleet(2, 4, 16_384, bad), bad.toString());
            assertTrue(e.getMessage().startsWith("not a setting of one line"), e.getMessage());
        }
    }

    @Test
    void shouldTakeSettingsOfOneLine() {
        assertNotNull(FosOptions.fileSystemFleet(2, 4, 16_384, Map.of("lockLeaseMillis", "2000", "maxLocks", "1024")));
    }
}
