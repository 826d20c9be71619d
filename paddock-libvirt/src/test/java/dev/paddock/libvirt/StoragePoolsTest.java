package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paddock.hypervisor.PoolFacts;
import dev.paddock.hypervisor.PoolSource;
import dev.paddock.hypervisor.PoolSpec;
import dev.paddock.hypervisor.PoolType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pool XML Paddock writes reads back, through the parser of libvirt's answers, as the pool it asked for. */
class StoragePoolsTest {

    static Stream<PoolSpec> pools() {
        return Stream.of(
                new PoolSpec("local", PoolType.DIR, PoolSource.NONE, "/var/lib/paddock/local"),
                new PoolSpec("nfs1", PoolType.NETFS, PoolSource.nfs("10.79.0.2", "/export/vms"), "/mnt/nfs1"),
                new PoolSpec("san", PoolType.ISCSI, PoolSource.iscsi("10.79.0.2", "iqn.2026-12.dev.paddock:lab"), ""),
                new PoolSpec("san-direct", PoolType.ISCSI_DIRECT, PoolSource.iscsiDirect("10.79.0.2",
                        "iqn.2026-12.dev.paddock:lab", "iqn.2026-12.dev.paddock:h1"), ""),
                new PoolSpec("ceph", PoolType.RBD, PoolSource.rbd(List.of("mon1", "mon2"), "vms"), ""));
    }

    @ParameterizedTest(name = "a {0} pool reads back with its type, source and target")
    @MethodSource("pools")
    void readsBack(PoolSpec spec) {
        PoolFacts read = StoragePools.parsePool(StoragePools.poolXml(spec));

        assertThat(read.name()).isEqualTo(spec.name());
        assertThat(read.type()).isEqualTo(spec.type());
        assertThat(read.source()).isEqualTo(spec.source());
        assertThat(read.targetPath()).isEqualTo(spec.type() == PoolType.ISCSI_DIRECT || spec.type() == PoolType.RBD
                ? "" : spec.targetPath());
    }

    @Test
    @DisplayName("an iscsi pool without a target path lists its LUNs under /dev/disk/by-path")
    void iscsiDevices() {
        PoolSpec spec = new PoolSpec("san", PoolType.ISCSI, PoolSource.iscsi("portal", "iqn.2026-12.dev.paddock:t"),
                "");

        assertThat(StoragePools.poolXml(spec)).contains("<target><path>/dev/disk/by-path</path></target>");
    }

    @Test
    @DisplayName("the XML libvirt answers for an iscsi-direct pool, with its sizes and uuid, reads as that pool")
    void libvirtsOwnXml() {
        String xml = """
                <pool type='iscsi-direct'>
                  <name>lab-san</name>
                  <uuid>3f6b8a3e-6a5b-4e2f-9d37-0d8f5e0c8a11</uuid>
                  <capacity unit='bytes'>268435456</capacity>
                  <allocation unit='bytes'>268435456</allocation>
                  <available unit='bytes'>0</available>
                  <source>
                    <host name='10.79.0.2'/>
                    <device path='iqn.2026-12.dev.paddock:lab'/>
                    <initiator>
                      <iqn name='iqn.2026-12.dev.paddock:h1'/>
                    </initiator>
                  </source>
                </pool>""";

        PoolFacts read = StoragePools.parsePool(xml);

        assertThat(read.uuid()).isEqualTo("3f6b8a3e-6a5b-4e2f-9d37-0d8f5e0c8a11");
        assertThat(read.source()).isEqualTo(PoolSource.iscsiDirect("10.79.0.2", "iqn.2026-12.dev.paddock:lab",
                "iqn.2026-12.dev.paddock:h1"));
    }

    @Test
    @DisplayName("a pool of a type Paddock does not make reads as OTHER, not as an error")
    void otherType() {
        PoolFacts read = StoragePools.parsePool("<pool type='logical'><name>vg0</name><source><name>vg0</name>"
                + "</source><target><path>/dev/vg0</path></target></pool>");

        assertThat(read.type()).isEqualTo(PoolType.OTHER);
        assertThat(read.targetPath()).isEqualTo("/dev/vg0");
    }

    @Test
    @DisplayName("a name or path with markup is escaped, not injected")
    void escapes() {
        PoolSpec spec = new PoolSpec("x", PoolType.NETFS, PoolSource.nfs("nfs", "/export/a'b<c"), "/mnt/x");

        assertThat(StoragePools.parsePool(StoragePools.poolXml(spec)).source().path()).isEqualTo("/export/a'b<c");
    }

    @Test
    @DisplayName("a volume's format and backing store are read from its XML")
    void volumeXml() {
        var read = StoragePools.parseVolume("<volume type='file'><name>v.qcow2</name><capacity unit='bytes'>67108864"
                + "</capacity><allocation unit='bytes'>200704</allocation><target><path>/p/v.qcow2</path>"
                + "<format type='qcow2'/></target><backingStore><path>/p/base.qcow2</path><format type='qcow2'/>"
                + "</backingStore></volume>");

        assertThat(read).isEqualTo(new StoragePools.VolumeXml(67_108_864, 200_704, "qcow2",
                Optional.of("/p/base.qcow2")));
    }

    @Test
    @DisplayName("an iSCSI LUN (a 'network' volume, which libvirt-java's StorageVolInfo cannot read) has its sizes")
    void lunXml() {
        var read = StoragePools.parseVolume("""
                <volume type='network'>
                  <name>unit:0:0:1</name>
                  <key>ip-10.79.0.200:3260-iscsi-iqn.2026-12.dev.paddock:lab-lun-1</key>
                  <capacity unit='bytes'>268434944</capacity>
                  <allocation unit='bytes'>268434944</allocation>
                  <target>
                    <path>ip-10.79.0.200:3260-iscsi-iqn.2026-12.dev.paddock:lab-lun-1</path>
                  </target>
                </volume>""");

        assertThat(read).isEqualTo(new StoragePools.VolumeXml(268_434_944, 268_434_944, "", Optional.empty()));
    }

    @Test
    @DisplayName("a volume of an unknown format is refused before libvirt sees it")
    void volumeFormat() {
        assertThatThrownBy(() -> StoragePools.volumeXml("v", 64, "vmdk")).hasMessageContaining("qcow2 or raw");
    }
}
