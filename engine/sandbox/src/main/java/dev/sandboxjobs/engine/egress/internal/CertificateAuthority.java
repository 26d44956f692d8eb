package dev.sandboxjobs.engine.egress.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The engine's own certificate authority for the egress proxy, made with Bouncy Castle: an EC
 * P-256 CA generated once and kept in the engine's data directory (key readable by its owner
 * only), and a short-lived certificate per host the proxy terminates TLS for (only hosts with
 * injected headers). Sandboxes trust the CA only when their policy says so.
 */
public final class CertificateAuthority {
    private static final Duration LEAF_LIFETIME = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A host's key and certificate chain (leaf, CA). */
    public record Leaf(PrivateKey key, X509Certificate[] chain, Instant notAfter) {}

    private final PrivateKey caKey;
    private final X509Certificate caCert;
    private final String caPem;
    private final Map<String, Leaf> leaves = new ConcurrentHashMap<>();

    private CertificateAuthority(PrivateKey caKey, X509Certificate caCert, String caPem) {
        this.caKey = caKey;
        this.caCert = caCert;
        this.caPem = caPem;
    }

    /** Loads the CA from {@code directory} ({@code ca.crt}, {@code ca.key}), creating it on first use. */
    public static synchronized CertificateAuthority loadOrCreate(Path directory) {
        Path crt = directory.resolve("ca.crt");
        Path key = directory.resolve("ca.key");
        try {
            if (Files.exists(crt) && Files.exists(key)) {
                return load(Files.readString(crt), Files.readString(key));
            }
            Files.createDirectories(directory);
            KeyPair pair = ecKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=Sandbox Jobs egress CA " + Long.toHexString(RANDOM.nextLong() >>> 16)
                    + ",O=Sandbox Jobs");
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = convert(b.build(signer(pair.getPrivate())));
            String certPem = pem(cert);
            Path tmpKey = Files.createTempFile(directory, "ca", ".key",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmpKey, pem(pair.getPrivate()));
            Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path tmpCrt = Files.createTempFile(directory, "ca", ".crt");
            Files.writeString(tmpCrt, certPem);
            Files.move(tmpCrt, crt, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new CertificateAuthority(pair.getPrivate(), cert, certPem);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the egress CA in " + directory, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot create the egress CA", e);
        }
    }

    private static CertificateAuthority load(String certPem, String keyPem) throws IOException, GeneralSecurityException {
        X509Certificate cert;
        PrivateKey key;
        try (PEMParser p = new PEMParser(new StringReader(certPem))) {
            cert = convert((X509CertificateHolder) p.readObject());
        }
        try (PEMParser p = new PEMParser(new StringReader(keyPem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            key = o instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate() : conv.getPrivateKey((PrivateKeyInfo) o);
        }
        return new CertificateAuthority(key, cert, certPem);
    }

    /** The CA certificate in PEM, to install in a sandbox's trust store. */
    public String certificatePem() {
        return caPem;
    }

    public X509Certificate certificate() {
        return caCert;
    }

    /** A certificate for {@code host} (a name or an address literal), signed by the CA; cached until near expiry. */
    public Leaf leafFor(String host) {
        Leaf cached = leaves.get(host);
        if (cached != null && cached.notAfter().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
            return cached;
        }
        Leaf fresh = issue(host);
        leaves.put(host, fresh);
        return fresh;
    }

    private Leaf issue(String host) {
        try {
            KeyPair pair = ecKeyPair();
            Instant now = Instant.now();
            Instant notAfter = now.plus(LEAF_LIFETIME);
            boolean literal = PolicyCheck.literal(host).isPresent();
            GeneralName san = literal ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, host);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter),
                    new X500Name("CN=" + (host.length() > 64 ? host.substring(0, 64) : host)), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = convert(b.build(signer(caKey)));
            return new Leaf(pair.getPrivate(), new X509Certificate[] {cert, caCert}, notAfter);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot issue a certificate for " + host, e);
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
