package dev.paddock.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MacAddressesTest {

    @ParameterizedTest(name = "''{0}'' reads as ''{1}''")
    @CsvSource({
        "52:54:00:AA:bb:0C, 52:54:00:aa:bb:0c",
        "52-54-00-aa-bb-0c, 52:54:00:aa:bb:0c",
        "' 02:00:00:00:00:01 ', 02:00:00:00:00:01",
        "01:00:5e:00:00:01, ''",
        "00:00:00:00:00:00, ''",
        "52:54:00:aa:bb, ''",
        "52:54:00:aa:bb:zz, ''"})
    void normalize(String text, String expected) {
        assertThat(MacAddresses.normalize(text)).isEqualTo(expected.isEmpty() ? Optional.empty() : Optional.of(expected));
    }

    @Test
    @DisplayName("generated addresses are libvirt's prefix, well formed, and never one already taken")
    void generated() {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String mac = MacAddresses.generate(taken, random);
            assertThat(mac).startsWith("52:54:00:");
            assertThat(MacAddresses.normalize(mac)).contains(mac);
            assertThat(taken.add(mac)).as("fresh: %s", mac).isTrue();
        }
    }

    @Test
    @DisplayName("an address the room uses is skipped, even when the randomness draws it first")
    void takenIsSkipped() {
        String first = MacAddresses.generate(Set.of(), new SplittableRandom(11));

        String next = MacAddresses.generate(Set.of(first), new SplittableRandom(11));

        assertThat(next).isNotEqualTo(first).startsWith("52:54:00:");
    }
}
