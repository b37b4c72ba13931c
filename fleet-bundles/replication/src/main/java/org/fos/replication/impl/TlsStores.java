package org.fos.replication.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * The node's key and the cluster CA, read from the stores the settings name, as Ratis's gRPC wants
 * them. A peer is trusted when its certificate chains to the cluster's CA, both ways (mutual TLS);
 * the host name check that gRPC asks of a client is left out, since a Raft peer is dialled at an
 * address while a node's certificate names its node id (ADR 0030).
 */
final class TlsStores {

    private TlsStores() {
    }

    static GrpcTlsConfig grpc(Settings s) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(s.keyStore(), s.keyStoreType(), s.keyStorePassword()), s.keyStorePassword().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(s.trustStore(), s.trustStoreType(), s.trustStorePassword()));
            return new GrpcTlsConfig(keys.getKeyManagers()[0], new ClusterCaTrust((X509TrustManager) trust.getTrustManagers()[0]), true);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the TLS stores of the replication cannot be read: " + e.getMessage(), e);
        }
    }

    /** Checks the chain against the cluster's CA and nothing else: no host name, whichever engine or socket asks. */
    static final class ClusterCaTrust extends X509ExtendedTrustManager {
        private final X509TrustManager ca;

        ClusterCaTrust(X509TrustManager ca) {
            this.ca = ca;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            ca.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            ca.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            ca.checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            ca.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            ca.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ca.getAcceptedIssuers();
        }
    }

    private static KeyStore load(String file, String type, String password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
