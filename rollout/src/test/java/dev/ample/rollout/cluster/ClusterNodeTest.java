// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.ample.rollout.cluster.ClusterNode.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClusterNode}'s rule that plain TCP stays on loopback addresses, and the transport its
 * Akka config selects with and without {@link ClusterTls}.
 */
class ClusterNodeTest {

  private static final HostPort LOOPBACK = new HostPort("127.0.0.1", 25520);

  @TempDir
  Path dir;

  @Test
  void loopbackAddressesAreTold() {
    for (String host : new String[] {"127.0.0.1", "127.3.2.1", "localhost", "::1"}) {
      assertTrue(new HostPort(host, 1).isLoopback(), host);
    }
    for (String host : new String[] {"0.0.0.0", "10.1.2.3", "192.168.0.7", "no-such-host.invalid"}) {
      assertFalse(new HostPort(host, 1).isLoopback(), host);
    }
  }

  @Test
  void plainTcpOnLoopbackIsAllowed() {
    Config akka = node(ClusterNode.WORKER_ROLE, new HostPort("127.0.0.1", 0), LOOPBACK, null)
        .akkaConfig();
    assertEquals("tcp", akka.getString("akka.remote.artery.transport"));
  }

  @Test
  void plainTcpBeyondLoopbackIsRefusedNamingTheFix() {
    HostPort lan = new HostPort("10.1.2.3", 25520);
    String bind = assertThrows(IllegalArgumentException.class,
        () -> node(ClusterNode.LEARNER_ROLE, lan, lan, null)).getMessage();
    assertTrue(bind.startsWith("10.1.2.3:25520 is not a loopback address"), bind);
    assertTrue(bind.contains("cluster.tls.key-store") && bind.contains("--tls-key-store"), bind);
    String join = assertThrows(IllegalArgumentException.class,
        () -> node(ClusterNode.WORKER_ROLE, new HostPort("10.1.2.4", 0), lan, null))
        .getMessage();
    assertTrue(join.startsWith("10.1.2.4:0 is not a loopback address"), join);
    String wildcard = assertThrows(IllegalArgumentException.class,
        () -> node(ClusterNode.WORKER_ROLE, new HostPort("0.0.0.0", 0), LOOPBACK, null))
        .getMessage();
    assertTrue(wildcard.startsWith("0.0.0.0:0 is not a loopback address"), wildcard);
  }

  @Test
  void aWorkerListeningOnLoopbackCannotServeALearnerElsewhere() throws Exception {
    ClusterTls tls = TlsMaterial.make(dir);
    String message = assertThrows(IllegalArgumentException.class,
        () -> node(ClusterNode.WORKER_ROLE, new HostPort("127.0.0.1", 0),
            new HostPort("10.1.2.3", 25520), tls)).getMessage();
    assertTrue(message.startsWith("the learner 10.1.2.3:25520 is on another machine, but this"
        + " node listens on 127.0.0.1:0"), message);
    assertTrue(message.contains("--bind HOST:PORT"), message);
  }

  @Test
  void withTlsAnyAddressIsAllowedAndArteryRunsTlsOverTheNodesOwnSettings() throws Exception {
    ClusterTls tls = TlsMaterial.make(dir);
    HostPort lan = new HostPort("10.1.2.3", 25520);
    Config akka = node(ClusterNode.LEARNER_ROLE, lan, lan, tls).akkaConfig();
    assertEquals("tls-tcp", akka.getString("akka.remote.artery.transport"));
    assertEquals(tls.keyStore().toAbsolutePath().toString(),
        akka.getString("akka.remote.artery.ssl.config-ssl-engine.key-store"));
    assertTrue(akka.getBoolean(
        "akka.remote.artery.ssl.config-ssl-engine.require-mutual-authentication"));
    // The node's own settings are still there under the fragment.
    assertEquals("10.1.2.3", akka.getString("akka.remote.artery.canonical.hostname"));
    assertEquals("cluster", akka.getString("akka.actor.provider"));
    assertFalse(akka.getBoolean("akka.actor.allow-java-serialization"));
  }

  private static ClusterNode node(String role, HostPort bind, HostPort learner, ClusterTls tls) {
    return new ClusterNode(role, bind, learner, Duration.ofSeconds(5), Duration.ofSeconds(5),
        Duration.ofSeconds(60), false, tls);
  }
}
