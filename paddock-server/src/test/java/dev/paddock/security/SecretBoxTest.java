package dev.paddock.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final SecretBox box = TestKeys.fresh().secrets();

    @Test
    void aSealedSecretOpensForItsContextAndShowsNothingOfItself() {
        String sealed = box.seal("calvin-BMC-pw", "fence_devices/h1/password");

        assertThat(sealed).startsWith(SecretBox.PREFIX).doesNotContain("calvin");
        assertThat(box.open(sealed, "fence_devices/h1/password")).isEqualTo("calvin-BMC-pw");
        assertThat(box.seal("calvin-BMC-pw", "fence_devices/h1/password")).as("a fresh nonce each time")
                .isNotEqualTo(sealed);
    }

    @Test
    void aSealedValueMovedToAnotherHostOrOptionDoesNotOpen() {
        String sealed = box.seal("pw", "fence_devices/h1/password");

        assertThatThrownBy(() -> box.open(sealed, "fence_devices/h2/password"))
                .isInstanceOf(SecretBox.Unreadable.class).hasMessageContaining("does not open");
    }

    @Test
    void anotherKeyOrAChangedByteDoesNotOpen() {
        String sealed = box.seal("pw", "c");
        byte[] bytes = Base64.getDecoder().decode(sealed.substring(SecretBox.PREFIX.length()));
        bytes[bytes.length - 1] ^= 1;
        String changed = SecretBox.PREFIX + Base64.getEncoder().encodeToString(bytes);

        assertThatThrownBy(() -> TestKeys.fresh().secrets().open(sealed, "c")).isInstanceOf(SecretBox.Unreadable.class);
        assertThatThrownBy(() -> box.open(changed, "c")).isInstanceOf(SecretBox.Unreadable.class);
        assertThatThrownBy(() -> box.open("pw", "c")).isInstanceOf(SecretBox.Unreadable.class);
    }
}
