// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.rollout.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * TLS material made the way README tells users to make it: the first {@code bash} block of its
 * section "Running workers on other machines, safely", run as it stands in a directory of its own,
 * with the {@code keytool} of the JDK running the tests first on the {@code PATH}.
 */
public final class TlsMaterial {

  static final String SECTION = "## Running workers on other machines, safely";

  private TlsMaterial() {}

  /** Runs README's recipe in {@code dir} (empty) and reads the files it made as a node would. */
  public static ClusterTls make(Path dir) throws IOException, InterruptedException {
    String recipe = readmeRecipe();
    ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", recipe)
        .directory(dir.toFile())
        .redirectErrorStream(true);
    Path jdkBin = Path.of(System.getProperty("java.home"), "bin");
    bash.environment().merge("PATH", jdkBin.toString(), (path, bin) -> bin + ":" + path);
    Process process = bash.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "README's recipe did not finish");
    assertEquals(0, process.exitValue(), "README's recipe failed:\n" + recipe + "\n" + output);
    return ClusterTls.from(ConfigFactory.parseMap(Map.of(
        "key-store", dir.resolve("ample-cluster.p12").toString(),
        "password-file", dir.resolve("ample-cluster.password").toString())));
  }

  private static String readmeRecipe() throws IOException {
    List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
    int section = lines.indexOf(SECTION);
    assertTrue(section >= 0, "README.md has no section '" + SECTION + "'");
    int start = -1;
    for (int i = section + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      if (start < 0 && lines.get(i).equals("```bash")) {
        start = i + 1;
      } else if (start >= 0 && lines.get(i).equals("```")) {
        return String.join("\n", lines.subList(start, i)) + "\n";
      }
    }
    throw new AssertionError("README's section '" + SECTION + "' has no ```bash block");
  }

  /** The repository's README.md, found upwards from the module the tests run in. */
  private static Path readme() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(
          dir.resolve("rollout/pom.xml"))) {
        return dir.resolve("README.md");
      }
    }
    throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
  }
}
