package dev.paddock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.api.Requests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --nic NETWORK[,mac=MAC][,in=KBPS][,out=KBPS]} of {@code paddock vm create} and {@code --add-nic}. */
class VmNicOptionTest {

    @Test
    void aNetworkAloneOrWithItsSettingsInAnyOrder() {
        assertThat(VmCommand.Create.nic("backend")).isEqualTo(new Requests.NewNic("backend", null));
        assertThat(VmCommand.Create.nic("vlan10,out=4000,mac=52:54:00:12:34:56,in=8000"))
                .isEqualTo(new Requests.NewNic("vlan10", "52:54:00:12:34:56", 8000L, 4000L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"backend,speed=10", "backend,in=8000,in=9000", "backend,in", ",mac=52:54:00:12:34:56",
        "backend,in=fast"})
    void anythingElseIsAUsageErrorWithASentence(String text) {
        assertThatThrownBy(() -> VmCommand.Create.nic(text)).isInstanceOf(CliException.class)
                .hasMessageContaining("--nic").hasMessageContaining(text);
    }
}
