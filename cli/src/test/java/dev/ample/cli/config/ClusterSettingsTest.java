// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code cluster} section's TLS part and its loopback rule, as {@code train} reads them. */
class ClusterSettingsTest {

  private static ClusterSettings cluster(String... overrides) {
    return ClusterSettings.from(ExperimentConfigs.load(null, List.of(overrides)));
  }

  private static String refusal(String... overrides) {
    return assertThrows(IllegalArgumentException.class, () -> cluster(overrides)).getMessage();
  }

  @Test
  void withoutATlsSectionTheClusterIsPlainTcpOnLoopback() {
    ClusterSettings plain = cluster("cluster.enabled=true");
    assertNull(plain.tls());
    assertEquals("plain TCP, this machine only", plain.learner().node().transport());
  }

  @Test
  void theTlsSectionIsReadWithTheKeyStoreAsDefaultTrustStore() {
    ClusterSettings tls = cluster("cluster.enabled=true", "cluster.bind=\"10.0.0.1:25520\"",
        "cluster.tls.key-store=/keys/a.p12", "cluster.tls.password-file=/keys/a.password");
    assertEquals(Path.of("/keys/a.p12"), tls.tls().keyStore());
    assertEquals(Path.of("/keys/a.p12"), tls.tls().trustStore());
    assertEquals(Path.of("/keys/a.password"), tls.tls().passwordFile());
    assertEquals("mutual TLS", tls.learner().node().transport());
  }

  @Test
  void aBadTlsSectionOrABindBeyondLoopbackWithoutItIsRefused() {
    String typo = refusal("cluster.tls.keystore=/keys/a.p12");
    assertTrue(typo.contains("unknown config key cluster.tls.keystore (did you mean"
        + " 'key-store'?)"), typo);
    String half = refusal("cluster.tls.key-store=/keys/a.p12");
    assertTrue(half.contains("cluster.tls.password-file is not set"), half);
    String open = refusal("cluster.enabled=true", "cluster.bind=\"0.0.0.0:25520\"");
    assertTrue(open.startsWith("0.0.0.0:25520 is not a loopback address"), open);
    // A disabled cluster's bind is not read for this.
    cluster("cluster.bind=\"0.0.0.0:25520\"");
  }
}
