package dev.ample.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ample.learner.PpoMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per PPO iteration with the fields of DESIGN.md §2, flushed
 * after every line so that a crash or Ctrl-C loses nothing already learned. Also the one-line
 * console summary per iteration. Each line is mirrored to the run's {@link TensorBoardLog}.
 */
final class MetricsLog implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BufferedWriter out;
  private final TensorBoardLog tensorBoard;

  MetricsLog(Path file, boolean append, TensorBoardLog tensorBoard) throws IOException {
    this.tensorBoard = tensorBoard;
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /**
   * One iteration's line.
   *
   * @param fps emulator frames per second over the iteration (collecting and learning)
   */
  void write(Progress p, PpoMetrics m, String optimizer, double fps, double rolloutSeconds,
      double updateSeconds) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("iteration", p.iteration());
    line.put("agent_steps", p.agentSteps());
    line.put("frames", p.frames());
    line.put("episodes", p.episodes());
    putFinite(line, "episode_return_mean", p.returnMean());
    putFinite(line, "episode_length_mean", p.lengthMean());
    line.put("fps", round(fps));
    for (Map.Entry<String, Object> e : m.fields().entrySet()) {
      line.putPOJO(e.getKey(), e.getValue());
    }
    line.put("optimizer", optimizer);
    line.put("rollout_seconds", round(rolloutSeconds));
    line.put("update_seconds", round(updateSeconds));
    line.put("wall_seconds", round(p.wallSeconds()));
    out.write(JSON.writeValueAsString(line));
    out.newLine();
    out.flush();
    tensorBoard.iteration(line);
  }

  void printLine(Progress p, long iterations, PpoMetrics m) {
    System.out.printf("iter %d/%d  steps %,d  return %s (%d episodes)  loss pi %.4f v %.4f"
            + "  entropy %.3f  kl %.4f  lr %.2e  %.0f s%n",
        p.iteration(), iterations, p.agentSteps(), format(p.returnMean()), p.episodes(),
        m.lossPolicy(), m.lossValue(), m.entropy(), m.approxKl(), m.learningRate(),
        p.wallSeconds());
  }

  static String format(double v) {
    return Double.isNaN(v) ? "n/a" : String.format("%.2f", v);
  }

  private static void putFinite(ObjectNode line, String key, double v) {
    if (Double.isFinite(v)) {
      line.put(key, v);
    } else {
      line.putNull(key); // no finished episode yet
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
