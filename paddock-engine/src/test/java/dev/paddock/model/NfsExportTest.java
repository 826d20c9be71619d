package dev.paddock.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NfsExportTest {

    @ParameterizedTest(name = "server {0}, export {1}: key {2}, a file at {3}")
    @CsvSource({
            "10.79.0.200, /export/paddock,  nfs://10.79.0.200/export/paddock, /export/paddock/vm.qcow2",
            "NAS.example, /export/paddock/, nfs://nas.example/export/paddock, /export/paddock/vm.qcow2",
            "nas,         /,                nfs://nas/,                       /vm.qcow2"})
    @DisplayName("an export names its storage as a netfs pool does and its files by path")
    void keyAndFiles(String server, String path, String key, String file) {
        NfsExport export = new NfsExport(server, path);

        assertThat(export.key()).isEqualTo(key);
        assertThat(export.fileOf("vm.qcow2")).isEqualTo(file);
        assertThat(export.urlOf("vm.qcow2")).isEqualTo("nfs://" + export.server() + file);
        assertThat(NfsExport.parse(export.key())).isEqualTo(export);
    }

    @ParameterizedTest(name = "export ''{0}'' is refused")
    @ValueSource(strings = {"", "export", "/export/../etc", "/export//x", "/export?x=1"})
    void badPaths(String path) {
        assertThatThrownBy(() -> new NfsExport("nas", path)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a file name is one path component that does not start with a dot")
    void fileNames() {
        assertThat(NfsExport.isFileName("web-1-root.qcow2")).isTrue();
        assertThat(NfsExport.isFileName("../x")).isFalse();
        assertThat(NfsExport.isFileName(".hidden")).isFalse();
        assertThat(NfsExport.isFileName("a/b")).isFalse();
        assertThat(NfsExport.isFileName(null)).isFalse();
    }
}
