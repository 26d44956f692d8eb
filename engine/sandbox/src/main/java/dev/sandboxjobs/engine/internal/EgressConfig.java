package dev.sandboxjobs.engine.internal;

import dev.sandboxjobs.engine.ErrorCode;
import dev.sandboxjobs.engine.SandboxException;
import dev.sandboxjobs.engine.egress.internal.EgressSettings;
import dev.sandboxjobs.engine.egress.internal.UpstreamProxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The egress settings of an engine, from its builder and (for the upstream proxy) the process environment. */
public final class EgressConfig {
    private EgressConfig() {}

    public static EgressSettings settings(Path stateDirectory, boolean upstreamSet, String upstream,
                                          Map<String, String> environment, List<Path> trust, String guardImage) {
        String uri = upstreamSet ? upstream : first(environment, "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");
        UpstreamProxy proxy;
        try {
            proxy = UpstreamProxy.parse(uri, first(environment, "NO_PROXY", "no_proxy"));
        } catch (IllegalArgumentException e) {
            throw new SandboxException(ErrorCode.INVALID_ARGUMENT, e.getMessage() + " (the egress proxy's upstream).");
        }
        return new EgressSettings(stateDirectory, proxy, certificates(trust), guardImage);
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static List<X509Certificate> certificates(List<Path> files) {
        List<X509Certificate> all = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    all.add((X509Certificate) c);
                }
            } catch (IOException | CertificateException e) {
                throw new SandboxException(ErrorCode.INVALID_ARGUMENT, "Cannot read certificates from " + f + ": "
                        + e.getMessage() + ". Give PEM files.", e);
            }
        }
        return all;
    }
}
