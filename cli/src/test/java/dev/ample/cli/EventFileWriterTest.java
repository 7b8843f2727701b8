// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ample.cli.EventFileReader.Event;
import dev.ample.cli.EventFileReader.Scalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TensorBoard event file format: TFRecord framing, masked CRCs, Event and Summary protos. */
class EventFileWriterTest {

  @TempDir Path tmp;

  /**
   * CRC32C("123456789") = 0xE3069283 is the standard check value of CRC-32C (Castagnoli). Masked:
   * rotate right by 15, (0xE3069283 >>> 15) | (0xE3069283 << 17) = 0x0001C60D | 0x25060000 =
   * 0x2507C60D, plus 0xA282EAD8 = 0xC78AB0E5 (mod 2^32); TensorBoard's own pure-Python
   * masked_crc32c (tensorboard/compat/tensorflow_stub/pywrap_tensorflow.py) gives the same.
   */
  @Test
  void maskedCrcMatchesTheKnownVector() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xC78AB0E5, EventFileWriter.maskedCrc32c(check));
    assertEquals(0xC78AB0E5, EventFileReader.masked(check), "the test's bitwise reader agrees");
  }

  @Test
  void writesFileVersionThenScalarEventsThatReadBack() throws IOException {
    Path file = tmp.resolve("events.out.tfevents.0000000000.test");
    double before = System.currentTimeMillis() / 1000.0;
    try (EventFileWriter w = new EventFileWriter(file)) {
      Map<String, Double> first = new LinkedHashMap<>();
      first.put("loss/policy", 0.25);
      first.put("train/episode_return_mean", -0.5);
      w.writeScalars(1024, first);
      w.writeScalars(2048, Map.of("loss/policy", 1e-7));
      w.writeScalars(5_000_000_000L, Map.of("optim/lr", 3.0e-4));
    }
    List<Event> events = EventFileReader.read(file);
    assertEquals(4, events.size());
    assertEquals(EventFileWriter.FILE_VERSION, events.get(0).fileVersion());
    assertEquals("brain.Event:2", events.get(0).fileVersion());
    assertTrue(events.get(0).scalars().isEmpty());
    assertTrue(events.get(0).wallTime() >= before - 1
        && events.get(0).wallTime() <= System.currentTimeMillis() / 1000.0 + 1,
        "wall_time in seconds since the epoch: " + events.get(0).wallTime());
    assertEquals(1024, events.get(1).step());
    assertNull(events.get(1).fileVersion());
    assertEquals(List.of(new Scalar("loss/policy", 0.25f),
        new Scalar("train/episode_return_mean", -0.5f)), events.get(1).scalars());
    assertEquals(2048, events.get(2).step());
    assertEquals(List.of(new Scalar("loss/policy", 1e-7f)), events.get(2).scalars());
    assertEquals(5_000_000_000L, events.get(3).step(), "int64 steps");
    assertEquals(List.of(new Scalar("optim/lr", 3.0e-4f)), events.get(3).scalars());
  }
}
