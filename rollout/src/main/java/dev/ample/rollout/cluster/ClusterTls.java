// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutually authenticated TLS between the nodes of an ample cluster (the {@code cluster.tls.*}
 * keys): Artery's {@code tls-tcp} transport with Akka's {@code ConfigSSLEngineProvider}, which
 * loads a key store (this node's private key and certificate) and a trust store (the certificates
 * it accepts from peers). Both sides of every connection present their certificate and check the
 * other's, so a node whose certificate the others do not trust cannot connect, hence cannot join.
 * Its handshake fails and the node that connects logs it (Akka 2.6.21 logs nothing on the side
 * that accepts: in TLS 1.3 the connecting side checks first and hangs up).
 *
 * <p>README ("Running workers on other machines, safely") makes the material with one {@code
 * keytool} command: one self-signed key pair in a PKCS12 file that serves as key store and trust
 * store on every node. Whoever holds that file and its password can join, and nobody else.
 * Hostname verification stays off: the nodes prove who they are by holding that key, not by their
 * host names, which the shared certificate does not name.
 *
 * <p>{@link #arteryFragment()} checks the files before Akka starts (Akka itself would only fail on
 * the first connection, with a message that names neither file): a missing or unreadable file, a
 * file that is not a key store, a wrong password, a key store without a private key and an expired
 * certificate each give one line naming the file and the fix.
 *
 * @param keyStore PKCS12 (or JKS) file with this node's private key and certificate
 *     ({@code cluster.tls.key-store})
 * @param trustStore PKCS12 (or JKS) file with the certificates this node accepts from peers
 *     ({@code cluster.tls.trust-store}; the key store when not set, as in README's recipe)
 * @param passwordFile file whose first line is the password of both stores and of the private key
 *     ({@code cluster.tls.password-file}); kept out of every config file, so a run directory's
 *     {@code config.conf} never holds it
 */
public record ClusterTls(Path keyStore, Path trustStore, Path passwordFile) {

  /**
   * The one TLS version Akka's engine enables (it sets exactly this protocol), so every node speaks
   * it; JDK 11 and later have it.
   */
  static final String PROTOCOL = "TLSv1.3";

  /** TLS 1.3 cipher suites, AES-GCM only (the JDK's first choices, hardware-accelerated). */
  static final List<String> CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256");

  private static final String FIX = "make the files with the keytool command in README"
      + " (\"Running workers on other machines, safely\")";

  public ClusterTls {
    if (keyStore == null || trustStore == null || passwordFile == null) {
      throw new IllegalArgumentException("cluster.tls needs key-store and password-file (and"
          + " trust-store where it is not the key store); " + FIX);
    }
  }

  /**
   * Reads the {@code cluster.tls} section: {@code key-store}, {@code password-file} and, optionally,
   * {@code trust-store}. Relative paths are taken from the working directory.
   */
  public static ClusterTls from(Config tls) {
    Path keyStore = path(tls, "key-store");
    Path trustStore = tls.hasPath("trust-store") ? path(tls, "trust-store") : keyStore;
    return new ClusterTls(keyStore, trustStore, path(tls, "password-file"));
  }

  /**
   * The Artery config that switches a node to mutually authenticated TLS, to put over the node's
   * own config ({@code fragment.withFallback(nodeConfig)}): {@code akka.remote.artery.transport =
   * tls-tcp} and {@code akka.remote.artery.ssl.config-ssl-engine}. Checks the files first.
   *
   * @throws IllegalArgumentException one line naming the file at fault and the fix
   */
  public Config arteryFragment() {
    String password = readPassword();
    checkStore(keyStore, password, true);
    if (!trustStore.equals(keyStore)) {
      checkStore(trustStore, password, false);
    }
    Map<String, Object> engine = Map.of(
        "key-store", keyStore.toAbsolutePath().toString(),
        "trust-store", trustStore.toAbsolutePath().toString(),
        "key-store-password", password,
        "key-password", password,
        "trust-store-password", password,
        "protocol", PROTOCOL,
        "enabled-algorithms", CIPHER_SUITES,
        "require-mutual-authentication", true,
        "hostname-verification", false);
    return ConfigFactory.parseMap(Map.of(
        "akka.remote.artery.transport", "tls-tcp",
        "akka.remote.artery.ssl.ssl-engine-provider",
        "akka.remote.artery.tcp.ConfigSSLEngineProvider",
        "akka.remote.artery.ssl.config-ssl-engine", engine), "cluster.tls (ClusterTls)");
  }

  /**
   * Why a TLS handshake with {@code peer} fails on this material, or empty when it succeeds or the
   * peer cannot be reached. A worker whose join timed out asks this, so that it can say "the
   * learner does not accept this material" rather than "no learner answered" (Akka reports the
   * failed handshake only at a level ample keeps quiet, as it also reports every peer that leaves
   * that way). Both sides' checks count: in TLS 1.3 the peer refuses this node's certificate after
   * the handshake, on the first read.
   */
  public Optional<String> handshakeFailure(String host, int port) {
    String password = readPassword();
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(
          KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keyStore, password), password.toCharArray());
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(load(trustStore, password));
      SSLContext context = SSLContext.getInstance(PROTOCOL);
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
        socket.connect(new InetSocketAddress(host, port), PROBE_TIMEOUT_MS);
        socket.setSoTimeout(PROBE_TIMEOUT_MS);
        socket.setEnabledProtocols(new String[] {PROTOCOL});
        socket.setEnabledCipherSuites(CIPHER_SUITES.toArray(String[]::new));
        socket.startHandshake();
        socket.getInputStream().read(); // an accepted node hears nothing: Artery waits for it
      }
    } catch (SSLException e) {
      return Optional.of(e.getMessage());
    } catch (IOException e) {
      return Optional.empty(); // unreachable, or accepted and timed out reading
    } catch (GeneralSecurityException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  private static final int PROBE_TIMEOUT_MS = 3000;

  /** The type Akka's ConfigSSLEngineProvider loads; the JDK's PKCS12 reads JKS files too. */
  private static KeyStore load(Path file, String password) throws IOException,
      GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password.toCharArray());
      return store;
    }
  }

  private static Path path(Config tls, String key) {
    try {
      return Path.of(tls.getString(key));
    } catch (ConfigException.Missing e) {
      throw new IllegalArgumentException("cluster.tls." + key + " is not set; " + FIX, e);
    } catch (ConfigException.WrongType e) {
      throw new IllegalArgumentException("cluster.tls." + key + " must be a file path, got "
          + tls.getValue(key).render(), e);
    }
  }

  /** The first line, as keytool's {@code -storepass:file} reads it. */
  private String readPassword() {
    requireReadableFile(passwordFile, "cluster.tls.password-file");
    String line;
    try (BufferedReader in = Files.newBufferedReader(passwordFile, StandardCharsets.UTF_8)) {
      line = in.readLine();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the TLS password file " + passwordFile
          + " (" + e.getMessage() + "); check its permissions", e);
    }
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException("the TLS password file " + passwordFile + " has an"
          + " empty first line; put the key store's password there (" + FIX + ")");
    }
    return line;
  }

  private static void checkStore(Path file, String password, boolean needsKey) {
    String role = needsKey ? "key store" : "trust store";
    requireReadableFile(file, needsKey ? "cluster.tls.key-store" : "cluster.tls.trust-store");
    KeyStore store;
    try {
      store = load(file, password);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw new IllegalArgumentException("the TLS " + role + " " + file + " does not open with"
            + " the password in the password file; use the password file made with it", e);
      }
      throw new IllegalArgumentException("the TLS " + role + " " + file + " is not a PKCS12 or"
          + " JKS key store (" + e.getMessage() + "); " + FIX, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the TLS " + role + " " + file + " cannot be read ("
          + e.getMessage() + "); " + FIX, e);
    }
    boolean hasKey = false;
    boolean hasCertificate = false;
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          // KeyManagerFactory needs every key to open with the one key password.
          store.getKey(alias, password.toCharArray());
          hasKey = true;
        }
        if (store.getCertificate(alias) instanceof X509Certificate certificate) {
          hasCertificate = true;
          certificate.checkValidity();
        }
      }
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException("a private key in the TLS " + role + " " + file
          + " does not open with the store's password; " + FIX, e);
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new IllegalArgumentException("a certificate in the TLS " + role + " " + file
          + " is not valid now (" + e.getMessage() + "); " + FIX + " and copy it to every node",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the TLS " + role + " " + file + " cannot be read ("
          + e.getMessage() + "); " + FIX, e);
    }
    if (needsKey && !hasKey) {
      throw new IllegalArgumentException("the TLS key store " + file + " holds no private key"
          + " (a trust store given as key store?); " + FIX);
    }
    if (!hasCertificate) {
      throw new IllegalArgumentException("the TLS " + role + " " + file + " holds no"
          + " certificate; " + FIX);
    }
  }

  private static void requireReadableFile(Path file, String key) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(key + " = " + file + " does not exist; " + FIX
          + " and copy them to this machine");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(key + " = " + file + " is not a readable file; check"
          + " its path and permissions");
    }
  }
}
