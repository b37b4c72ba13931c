package org.fos.replication.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.apache.ratis.grpc.GrpcTlsConfig;

/** The node's key and the cluster CA, read from the stores the settings name, as Ratis's gRPC wants them. */
final class TlsStores {

    private TlsStores() {
    }

    static GrpcTlsConfig grpc(Settings s) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(s.keyStore(), s.keyStoreType(), s.keyStorePassword()), s.keyStorePassword().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(s.trustStore(), s.trustStoreType(), s.trustStorePassword()));
            return new GrpcTlsConfig(keys.getKeyManagers()[0], trust.getTrustManagers()[0], true);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the TLS stores of the replication cannot be read: " + e.getMessage(), e);
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
