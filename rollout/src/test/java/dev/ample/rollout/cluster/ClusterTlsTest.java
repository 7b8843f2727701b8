// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterTls} on material made by README's recipe: the Artery keys it writes (each one a
 * key of Akka's reference config), and the one-line refusal of every kind of bad material before
 * Akka starts.
 */
class ClusterTlsTest {

  private static final String ENGINE = "akka.remote.artery.ssl.config-ssl-engine";

  @TempDir
  static Path materialDir;
  private static ClusterTls material;
  private static String password;

  @TempDir
  Path dir;

  @BeforeAll
  static void makeMaterial() throws Exception {
    material = TlsMaterial.make(materialDir);
    password = Files.readAllLines(material.passwordFile()).get(0);
  }

  @Test
  void readmesRecipeMakesOneStoreForKeyAndTrust() {
    assertEquals(materialDir.resolve("ample-cluster.p12"), material.keyStore());
    assertEquals(material.keyStore(), material.trustStore());
    assertEquals(materialDir.resolve("ample-cluster.password"), material.passwordFile());
    assertTrue(password.length() >= 32, "a weak password: " + password.length() + " characters");
  }

  @Test
  void theFragmentSwitchesArteryToMutuallyAuthenticatedTls() {
    Config fragment = material.arteryFragment();
    assertEquals("tls-tcp", fragment.getString("akka.remote.artery.transport"));
    Config engine = fragment.getConfig(ENGINE);
    assertEquals(material.keyStore().toAbsolutePath().toString(), engine.getString("key-store"));
    assertEquals(material.trustStore().toAbsolutePath().toString(),
        engine.getString("trust-store"));
    for (String key : List.of("key-store-password", "key-password", "trust-store-password")) {
      assertEquals(password, engine.getString(key), key);
    }
    assertEquals("TLSv1.3", engine.getString("protocol"));
    assertEquals(List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"),
        engine.getStringList("enabled-algorithms"));
    assertTrue(engine.getBoolean("require-mutual-authentication"));
    assertFalse(engine.getBoolean("hostname-verification"));
    // A misspelt key would be ignored by Akka, leaving its default in force.
    Config reference = ConfigFactory.defaultReference();
    fragment.entrySet().forEach(entry -> assertTrue(reference.hasPath(entry.getKey()),
        entry.getKey() + " is not a key of Akka's reference config"));
  }

  @Test
  void theTrustStoreDefaultsToTheKeyStoreAndMayBeAnotherFile() {
    Config tls = ConfigFactory.parseMap(Map.of(
        "key-store", "a.p12", "trust-store", "b.p12", "password-file", "p"));
    assertEquals(Path.of("b.p12"), ClusterTls.from(tls).trustStore());
    assertEquals(Path.of("a.p12"), ClusterTls.from(tls.withoutPath("trust-store")).trustStore());
  }

  @Test
  void aJksStoreWorksToo() throws Exception {
    KeyStore pkcs12 = load(material.keyStore(), password);
    KeyStore jks = KeyStore.getInstance("JKS");
    jks.load(null, null);
    char[] secret = password.toCharArray();
    jks.setEntry("ample-cluster", pkcs12.getEntry("ample-cluster",
        new KeyStore.PasswordProtection(secret)), new KeyStore.PasswordProtection(secret));
    Path file = store(jks, dir.resolve("cluster.jks"), password);
    new ClusterTls(file, file, material.passwordFile()).arteryFragment();
  }

  @Test
  void aMissingSettingOrFileIsNamed() {
    assertRefused(() -> ClusterTls.from(ConfigFactory.parseMap(Map.of("password-file", "p"))),
        "cluster.tls.key-store is not set; make the files with the keytool command in README");
    Path missing = dir.resolve("nowhere.p12");
    assertRefused(() -> new ClusterTls(missing, missing, material.passwordFile()).arteryFragment(),
        "cluster.tls.key-store = " + missing + " does not exist");
    assertRefused(() -> new ClusterTls(material.keyStore(), missing, material.passwordFile())
        .arteryFragment(), "cluster.tls.trust-store = " + missing + " does not exist");
    assertRefused(() -> new ClusterTls(material.keyStore(), material.trustStore(), missing)
        .arteryFragment(), "cluster.tls.password-file = " + missing + " does not exist");
    assertRefused(() -> new ClusterTls(dir, dir, material.passwordFile()).arteryFragment(),
        "cluster.tls.key-store = " + dir + " is not a readable file");
  }

  @Test
  void aWrongOrEmptyPasswordIsRefused() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password\n");
    assertRefused(() -> new ClusterTls(material.keyStore(), material.trustStore(), wrong)
        .arteryFragment(), "the TLS key store " + material.keyStore()
        + " does not open with the password in the password file");
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertRefused(() -> new ClusterTls(material.keyStore(), material.trustStore(), empty)
        .arteryFragment(), "the TLS password file " + empty + " has an empty first line");
  }

  @Test
  void aFileThatIsNotAKeyStoreIsRefused() throws Exception {
    Path text = Files.writeString(dir.resolve("cluster.p12"), "-----BEGIN CERTIFICATE-----\n");
    assertRefused(() -> new ClusterTls(text, text, material.passwordFile()).arteryFragment(),
        "the TLS key store " + text + " is not a PKCS12 or JKS key store");
  }

  @Test
  void aTrustStoreGivenAsKeyStoreIsRefused() throws Exception {
    KeyStore trustOnly = KeyStore.getInstance("PKCS12");
    trustOnly.load(null, null);
    trustOnly.setCertificateEntry("ample-cluster",
        load(material.keyStore(), password).getCertificate("ample-cluster"));
    Path file = store(trustOnly, dir.resolve("trust.p12"), password);
    assertRefused(() -> new ClusterTls(file, file, material.passwordFile()).arteryFragment(),
        "the TLS key store " + file + " holds no private key");
    // As a trust store it is right.
    new ClusterTls(material.keyStore(), file, material.passwordFile()).arteryFragment();
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    Path file = dir.resolve("expired.p12");
    Process keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "ample-cluster", "-keyalg", "EC", "-groupname", "secp256r1",
        "-startdate", "-30d", "-validity", "1", "-dname", "CN=ample-cluster",
        "-storetype", "PKCS12", "-keystore", file.toString(),
        "-storepass:file", material.passwordFile().toString())
        .redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, keytool.exitValue(), output);
    assertRefused(() -> new ClusterTls(file, file, material.passwordFile()).arteryFragment(),
        "a certificate in the TLS key store " + file + " is not valid now");
  }

  private static void assertRefused(Runnable action, String start) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "not one line: " + e.getMessage());
  }

  private static KeyStore load(Path file, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    return store;
  }

  private static Path store(KeyStore store, Path file, String password) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }
}
