package dev.openenv.server;

import dev.openenv.core.OpenEnvException;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * TLS for direct exposure ({@code https://}, {@code wss://}) from two PEM files, as certbot and most
 * tools write them: the certificate chain (server certificate first) and its private key (PKCS#8 or
 * PKCS#1, unencrypted). Read from {@code OPENENV_TLS_CERT} and {@code OPENENV_TLS_KEY}, or given to
 * {@code EnvServer.builder(...).tls(cert, key)}. PEM parsing is Helidon's ({@code io.helidon.common.pki}),
 * the library the server's TLS already runs on.
 */
record TlsFiles(Path certChain, Path privateKey) {
    static final String CERT_VARIABLE = "OPENENV_TLS_CERT";
    static final String KEY_VARIABLE = "OPENENV_TLS_KEY";

    TlsFiles {
        for (Path p : new Path[] {certChain, privateKey}) {
            if (p == null) {
                throw new IllegalArgumentException("TLS needs both a certificate chain and a private key (PEM files)");
            }
        }
    }

    /** Both variables, or neither; one alone is a mistake worth stopping for. */
    static Optional<TlsFiles> fromEnvironment(Map<String, String> env) {
        String cert = blankToNull(env.get(CERT_VARIABLE));
        String key = blankToNull(env.get(KEY_VARIABLE));
        if (cert == null && key == null) {
            return Optional.empty();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("set both " + CERT_VARIABLE + " and " + KEY_VARIABLE + " (PEM files) for TLS, or neither");
        }
        return Optional.of(new TlsFiles(Path.of(cert), Path.of(key)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /**
     * The server's TLS settings, read now.
     *
     * @throws OpenEnvException naming the file when one cannot be read or holds no key or certificate
     */
    Tls load() {
        for (Path p : new Path[] {certChain, privateKey}) {
            if (!Files.isReadable(p)) {
                throw new OpenEnvException("TLS: cannot read " + p.toAbsolutePath());
            }
        }
        Keys keys;
        try {
            keys = Keys.builder().pem(pem -> pem.key(Resource.create(privateKey)).certChain(Resource.create(certChain))).build();
        } catch (RuntimeException e) {
            throw new OpenEnvException("TLS: cannot read the PEM files " + certChain + " and " + privateKey + ": " + e.getMessage(), e);
        }
        if (keys.privateKey().isEmpty()) {
            throw new OpenEnvException("TLS: no private key in " + privateKey + " (expected an unencrypted PEM 'PRIVATE KEY')");
        }
        if (keys.certChain().isEmpty()) {
            throw new OpenEnvException("TLS: no certificate in " + certChain + " (expected PEM 'CERTIFICATE' blocks)");
        }
        return Tls.builder().privateKey(keys.privateKey().get()).privateKeyCertChain(keys.certChain()).build();
    }
}
