package org.fos.transport.tcp.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS contexts of a node: mutual TLS 1.3 on the JDK's engine, this node's key and certificate
 * from the key store, trust only in the cluster CA of the trust store, client certificates required.
 * Host names are not checked; instead the node id a peer says in its HELLO must be the one its
 * certificate names ({@link #names(SSLSession)}).
 *
 * @param server the context for accepted connections
 * @param client the context for dialled connections
 */
record TlsContexts(SslContext server, SslContext client) {

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    static TlsContexts create(TransportSettings.Tls tls) {
        KeyStore keys = load(tls.keyStore(), tls.keyStorePassword(), tls.keyStoreType(), "keyStore");
        KeyStore trust = load(tls.trustStore(), tls.trustStorePassword(), tls.trustStoreType(), "trustStore");
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, tls.keyStorePassword());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SslContext server = SslContextBuilder.forServer(kmf).trustManager(tmf).clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
            SslContext client = SslContextBuilder.forClient().keyManager(kmf).trustManager(tmf)
                    .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
            return new TlsContexts(server, client);
        } catch (GeneralSecurityException | SSLException e) {
            throw new IllegalArgumentException("transport TLS: cannot build the TLS contexts from keyStore " + tls.keyStore()
                    + " and trustStore " + tls.trustStore() + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String file, char[] password, String type, String attribute) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("transport setting " + attribute + " = '" + file + "': no readable file there");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("transport setting " + attribute + " = '" + file + "': cannot read it as a "
                    + type + " key store (wrong password or type?): " + e.getMessage(), e);
        }
    }

    /**
     * Returns the names a peer's certificate gives it: the common name of its subject and its DNS
     * subject alternative names.
     *
     * @param session the TLS session
     * @return the names, possibly empty
     * @throws SSLPeerUnverifiedException if the peer has no certificate
     */
    static List<String> names(SSLSession session) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        List<String> out = new ArrayList<>();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return out;
        }
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    out.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return out;
        }
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alt : alternatives) {
                    if (alt.size() == 2 && Integer.valueOf(2).equals(alt.get(0))) {
                        out.add(String.valueOf(alt.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }
}
