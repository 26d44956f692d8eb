package dev.sandboxjobs.engine.setup.internal;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extra CA certificates for the image: read from PEM (or DER) files, split into one certificate
 * per file, and deduplicated by fingerprint, so that the same set of certificates always yields
 * the same build context whatever the files were called or the order they came in.
 */
public final class CaCertificates {
    /** Where Debian and Ubuntu keep locally added CAs; setup takes them by default. */
    public static final Path HOST_DIRECTORY = Path.of("/usr/local/share/ca-certificates");
    /** Environment variable with extra certificate files, separated like PATH. */
    public static final String ENV_VARIABLE = "SANDBOX_JOBS_CA_CERTS";

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END CERTIFICATE-----");

    /** One certificate, where it came from, and its PEM text. */
    public record Certificate(String fingerprint, String subject, Path source, String origin, String pem) {
        /** The file name inside the image: content-derived, so renaming a source does not rebuild. */
        public String fileName() {
            return "ca-" + fingerprint.substring(0, 16) + ".crt";
        }

        public String describe() {
            return subject + " (" + origin + ": " + source + ")";
        }
    }

    private CaCertificates() {}

    /**
     * Collects the certificates: the host's {@code *.crt} in {@code hostDirectory} (when not null),
     * then the files in {@code env}'s {@link #ENV_VARIABLE}, then {@code explicit}. Sorted by
     * fingerprint, without duplicates.
     *
     * @throws IllegalArgumentException when a given file is missing or holds no certificate
     */
    public static List<Certificate> collect(Path hostDirectory, String envValue, List<Path> explicit) {
        Map<String, Certificate> byFingerprint = new LinkedHashMap<>();
        if (hostDirectory != null && Files.isDirectory(hostDirectory)) {
            for (Path file : hostCrtFiles(hostDirectory)) {
                try {
                    read(file, "host").forEach(c -> byFingerprint.putIfAbsent(c.fingerprint(), c));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage()
                            + " It was found among the host's CA certificates: fix it, or leave them out with --no-host-ca.", e);
                }
            }
        }
        if (envValue != null) {
            for (String part : envValue.split(File.pathSeparator)) {
                if (!part.isBlank()) {
                    read(Path.of(part.strip()), ENV_VARIABLE).forEach(c -> byFingerprint.putIfAbsent(c.fingerprint(), c));
                }
            }
        }
        for (Path file : explicit) {
            read(file, "--ca-cert").forEach(c -> byFingerprint.putIfAbsent(c.fingerprint(), c));
        }
        return List.copyOf(new TreeMap<>(byFingerprint).values());
    }

    private static List<Path> hostCrtFiles(Path directory) {
        // recursive, like update-ca-certificates
        try (var stream = Files.walk(directory)) {
            return stream.filter(f -> f.getFileName().toString().endsWith(".crt") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
    }

    /** Reads every certificate in {@code file}. */
    public static List<Certificate> read(Path file, String origin) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("CA certificate file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); give a readable PEM file.", e);
        }
        List<byte[]> ders = new ArrayList<>();
        Matcher matcher = PEM.matcher(new String(bytes, StandardCharsets.US_ASCII));
        while (matcher.find()) {
            ders.add(Base64.getMimeDecoder().decode(matcher.group(1)));
        }
        if (ders.isEmpty()) {
            ders.add(bytes); // maybe DER
        }
        List<Certificate> certificates = new ArrayList<>();
        for (byte[] der : ders) {
            X509Certificate x509 = parse(der, file);
            certificates.add(new Certificate(sha256(der), x509.getSubjectX500Principal().getName(), file, origin, toPem(der)));
        }
        return certificates;
    }

    private static X509Certificate parse(byte[] der, Path file) {
        try {
            Collection<? extends java.security.cert.Certificate> parsed =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der));
            if (parsed.size() == 1 && parsed.iterator().next() instanceof X509Certificate x509) {
                return x509;
            }
        } catch (CertificateException | RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException("CA certificate file " + file
                + " holds no X.509 certificate; give a PEM file (-----BEGIN CERTIFICATE-----).");
    }

    private static String toPem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
