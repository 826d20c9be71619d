package dev.paddock.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paddock.hypervisor.HypervisorException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.libvirt.Error.ErrorNumber;

class LibvirtErrorsTest {

    @ParameterizedTest(name = "{0} with \"{1}\" means {2}")
    @CsvSource(delimiter = '|', textBlock = """
            VIR_ERR_NO_DOMAIN          | Domain not found: no domain with matching uuid              | NOT_FOUND
            VIR_ERR_DOM_EXIST          | domain 'vm1' already exists                                 | ALREADY_EXISTS
            VIR_ERR_OPERATION_FAILED   | domain 'vm1' already exists with uuid 1234                  | ALREADY_EXISTS
            VIR_ERR_OPERATION_INVALID  | Requested operation is not valid: domain is not running     | INVALID_STATE
            VIR_ERR_XML_ERROR          | XML error: bad uuid                                         | INVALID_ARGUMENT
            VIR_ERR_CONFIG_UNSUPPORTED | unsupported configuration: VLAN tag on a Linux bridge       | INVALID_ARGUMENT
            VIR_ERR_SYSTEM_ERROR       | unable to connect to server at '10.77.0.9:16509': Connection refused | UNREACHABLE
            VIR_ERR_SYSTEM_ERROR       | unable to connect to server at '10.77.0.9:16509': No route to host   | UNREACHABLE
            VIR_ERR_SYSTEM_ERROR       | Cannot write data: Broken pipe                              | UNREACHABLE
            VIR_ERR_SYSTEM_ERROR       | Cannot access storage file '/x.qcow2': No such file         | FAILED
            VIR_ERR_RPC                | Cannot recv data: Connection reset by peer                  | UNREACHABLE
            VIR_ERR_INVALID_CONN       | invalid connection pointer                                  | UNREACHABLE
            VIR_ERR_OPERATION_TIMEOUT  | Timed out during operation: cannot acquire state change lock | TIMEOUT
            VIR_ERR_INTERNAL_ERROR     | qemu unexpectedly closed the monitor: cannot set up guest memory | INSUFFICIENT_RESOURCES
            VIR_ERR_INTERNAL_ERROR     | process exited while connecting to monitor                  | FAILED
            """)
    void reasons(ErrorNumber code, String message, Reason expected) {
        assertThat(LibvirtErrors.reason(code, message)).isEqualTo(expected);
    }
}
