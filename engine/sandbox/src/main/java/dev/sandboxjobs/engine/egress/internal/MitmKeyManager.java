package dev.sandboxjobs.engine.egress.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents, on the proxy's TLS-terminating connector, a certificate for the host the sandbox's
 * tunnel was opened to: found by the connection's peer port (the tunnel's own socket), else by
 * the name the client sent (SNI). The alias is the host name; certificates come from the CA.
 */
final class MitmKeyManager extends X509ExtendedKeyManager {
    private final Supplier<CertificateAuthority> ca;
    private final IntFunction<String> hostByPeerPort;

    MitmKeyManager(Supplier<CertificateAuthority> ca, IntFunction<String> hostByPeerPort) {
        this.ca = ca;
        this.hostByPeerPort = hostByPeerPort;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (!"EC".equals(keyType)) {
            return null;
        }
        String host = engine.getPeerPort() > 0 ? hostByPeerPort.apply(engine.getPeerPort()) : null;
        if (host == null) {
            SSLSession s = engine.getHandshakeSession();
            if (s instanceof ExtendedSSLSession e) {
                for (SNIServerName n : e.getRequestedServerNames()) {
                    if (n instanceof SNIHostName h) {
                        host = h.getAsciiName();
                    }
                }
            }
        }
        return host;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ca.get().leafFor(alias).chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ca.get().leafFor(alias).key();
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
