package dev.paddock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paddock credential add|list|delete}: what Paddock proves itself with to libvirt hosts — a TLS client
 * certificate with its key and CA, or an SSH key with the hosts' known keys — kept sealed by the server; a host
 * names one in its URI ({@code ?credential=NAME}).
 */
@Command(name = "credential", description = "Keep, list and forget the libvirt credentials Paddock reaches hosts with.",
        subcommands = {CredentialCommand.ListAll.class, CredentialCommand.Add.class, CredentialCommand.Delete.class})
final class CredentialCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(ExitCode.USAGE, "Say what to do with libvirt credentials: list, add or delete (see"
                + " 'paddock credential --help').");
    }

    @Command(name = "list", description = "List the libvirt credentials (never their keys).")
    static final class ListAll implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            JsonNode credentials = root.client().get("api/v1/libvirt-credentials");
            if (root.json()) {
                root.printJson(credentials);
                return 0;
            }
            Table table = new Table("NAME", "KIND", "SUMMARY", "ID");
            for (JsonNode credential : credentials.path("items")) {
                table.row(credential.path("name").asText(), credential.path("kind").asText(),
                        credential.path("summary").asText(), credential.path("id").asText());
            }
            table.print(root.out());
            return 0;
        }
    }

    @Command(name = "add", description = "Keep a TLS client certificate (--tls-ca, --tls-cert, --tls-key) or an SSH"
            + " key (--ssh-key, --known-hosts) for hosts to name in their URI: qemu+tls://h1/system?credential=NAME.")
    static final class Add implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private Kind kind;

        static final class Kind {
            @ArgGroup(exclusive = false)
            Tls tls;

            @ArgGroup(exclusive = false)
            Ssh ssh;
        }

        static final class Tls {
            @Option(names = "--tls-ca", required = true, paramLabel = "FILE", description = "The CA certificate"
                    + " (PEM) the hosts' certificates are issued by, as libvirt's cacert.pem.")
            Path ca;

            @Option(names = "--tls-cert", required = true, paramLabel = "FILE", description = "Paddock's client"
                    + " certificate (PEM), as libvirt's clientcert.pem.")
            Path certificate;

            @Option(names = "--tls-key", required = true, paramLabel = "FILE", description = "Its private key"
                    + " (PEM, no passphrase), as libvirt's clientkey.pem.")
            Path key;
        }

        static final class Ssh {
            @Option(names = "--ssh-key", required = true, paramLabel = "FILE", description = "The private key"
                    + " (OpenSSH or PEM, no passphrase).")
            Path key;

            @Option(names = "--known-hosts", paramLabel = "FILE", description = "The hosts' keys, known_hosts form"
                    + " (for qemu+libssh:// and qemu+libssh2://).")
            Path knownHosts;
        }

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (kind.tls != null) {
                body.put("kind", "tls");
                body.put("caCertificate", TextFile.read(kind.tls.ca));
                body.put("clientCertificate", TextFile.read(kind.tls.certificate));
                body.put("clientKey", TextFile.read(kind.tls.key));
            } else {
                body.put("kind", "ssh");
                body.put("privateKey", TextFile.read(kind.ssh.key));
                if (kind.ssh.knownHosts != null) {
                    body.put("knownHosts", TextFile.read(kind.ssh.knownHosts));
                }
            }
            JsonNode credential = root.client().post("api/v1/libvirt-credentials", body);
            return root.done(credential, "libvirt credential " + name + " kept sealed (" + credential.path("summary")
                    .asText() + "); hosts use it with ?credential=" + name + " in their URI");
        }
    }

    @Command(name = "delete", description = "Forget a libvirt credential that no host names.")
    static final class Delete implements Callable<Integer> {

        @CommandLine.Spec
        private CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        private String name;

        @Override
        public Integer call() {
            PaddockCommand root = PaddockCommand.of(spec);
            root.client().delete("api/v1/libvirt-credentials/" + ApiClient.encode(name));
            return root.done(dev.paddock.json.Json.mapper().createObjectNode().put("deleted", name),
                    "libvirt credential " + name + " deleted");
        }
    }
}
