// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 the ample authors

package dev.ample.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG figures of {@code ./ample plot} and of the end of {@code ./ample train}, from one or more
 * runs' {@link RunLog}s, everything over agent steps. Runs are grouped by optimizer: a group of one
 * run is drawn as that run's curve, a larger group as its mean with a ± one standard deviation
 * band (over the agent steps all its runs reached). Each figure has a title and one legend above
 * its panels (a colour per optimizer, naming the runs).
 *
 * <ul>
 *   <li>{@code return.png}: training return (mean of the last 100 episodes), test episodes as
 *       markers where the runs have them ({@code eval_return});
 *   <li>{@code ppo.png}: policy and value loss, entropy, approximate KL, clip fraction, clip
 *       range, learning rate;
 *   <li>{@code update_norm.png}: the step length ‖Δθ‖₂ per iteration, log axis;
 *   <li>from {@code gradstats.jsonl}, a panel per tensor: {@code update_norm_tensors.png},
 *       {@code gradstats_snr.png}, {@code gradstats_variance.png}, {@code
 *       gradstats_sign_agreement.png}, {@code gradstats_example_norm.png} (p50 and p90).
 * </ul>
 */
public final class TrainingFigures {
  static {
    // Before any AWT class initialises: drawing needs no display.
    System.setProperty("java.awt.headless", "true");
  }

  /** Size of a one-panel figure. */
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 600;
  /** Size of a figure with a grid of panels. */
  private static final int GRID_WIDTH = 1800;
  private static final int GRID_HEIGHT = 1000;

  private static final int COLUMNS = 4;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
    new Color(0x7f7f7f), new Color(0xbcbd22)
  };
  private static final BasicStroke SOLID = new BasicStroke(2f);
  private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT,
      BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
  private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);

  private enum Style { LINE, DASHED, MARKERS }

  private record Curve(Function<RunLog, Series> data, Style style) {}

  private record Panel(String title, String yAxis, boolean logarithmic, List<Curve> curves) {}

  /**
   * One legend line: a swatch in {@code color} drawn as {@code style}, then the text; markers
   * take the shape of group {@code shape} ({@link #MARKER_SHAPES}).
   */
  private record LegendEntry(String text, Color color, Style style, int shape) {
    LegendEntry(String text, Color color, Style style) {
      this(text, color, style, 0);
    }
  }

  /**
   * Test-episode markers, one shape per group, so where groups' markers coincide the one drawn
   * last does not hide the others without a trace.
   */
  private static final Marker[] MARKER_SHAPES = {SeriesMarkers.DIAMOND, SeriesMarkers.CIRCLE,
    SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP};

  private record Group(String optimizer, List<RunLog> runs, Color color) {
    String label() {
      List<String> names = runs.stream().map(RunLog::name).toList();
      return runs.size() == 1 ? optimizer + ": " + names.get(0)
          : optimizer + ": mean ± std of " + runs.size() + " runs (" + String.join(", ", names)
              + ")";
    }
  }

  private final List<Group> groups = new ArrayList<>();
  /** Agent steps per x-axis unit (1, a thousand or a million), so ticks stay short and round. */
  private final double xUnit;
  private final String xAxis;
  /** The x axis ends here, in x units: the longest run, rounded up. */
  private final double xMax;
  private int seriesCount;

  private TrainingFigures(List<RunLog> runs) {
    Map<String, List<RunLog>> byOptimizer = new LinkedHashMap<>();
    for (RunLog run : runs) {
      byOptimizer.computeIfAbsent(run.optimizer(), o -> new ArrayList<>()).add(run);
    }
    byOptimizer.forEach((optimizer, members) -> groups.add(
        new Group(optimizer, members, PALETTE[groups.size() % PALETTE.length])));
    double longest = runs.stream().mapToDouble(run -> {
      Series steps = run.metric("agent_steps");
      return steps.isEmpty() ? 0 : steps.x()[steps.size() - 1];
    }).max().orElse(0);
    xUnit = longest >= 1e7 ? 1e6 : longest >= 1e4 ? 1e3 : 1;
    xAxis = "agent steps" + (xUnit == 1e6 ? " (millions)" : xUnit == 1e3 ? " (thousands)" : "");
    xMax = roundUp(longest / xUnit);
  }

  /** Up to the next multiple of a tenth of its power of ten: 149.5 to 150, 2048 to 2100. */
  private static double roundUp(double v) {
    if (v <= 0) {
      return 1;
    }
    double tenth = Math.pow(10, Math.floor(Math.log10(v)) - 1);
    return Math.ceil(v / tenth) * tenth;
  }

  /**
   * Writes every figure the runs have data for into {@code outDir} (created): the per-tensor
   * ones only when some run {@link RunLog#hasGradStats() has gradstats}.
   *
   * @return the files written
   */
  public static List<Path> write(List<RunLog> runs, Path outDir) throws IOException {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to plot; give at least one run directory");
    }
    Files.createDirectories(outDir);
    TrainingFigures f = new TrainingFigures(runs);
    List<Path> written = new ArrayList<>();
    written.add(f.returnFigure(outDir));
    written.add(f.draw(outDir.resolve("ppo.png"), "PPO losses and diagnostics (means over each"
        + " iteration's minibatches)", List.of(), COLUMNS,
        List.of(
            metricPanel("policy loss (clipped surrogate)", "loss", "loss_policy"),
            metricPanel("value loss", "loss", "loss_value"),
            metricPanel("policy entropy", "entropy (nats)", "entropy"),
            metricPanel("approximate KL(old ‖ new)", "KL (nats)", "approx_kl"),
            metricPanel("clip fraction", "fraction of examples clipped", "clip_frac"),
            metricPanel("clip range (annealed with ppo.anneal-clip)", "clip range",
                "clip_range"),
            metricPanel("learning rate (last step of the iteration)", "learning rate", "lr"))));
    written.add(f.draw(outDir.resolve("update_norm.png"), "Update step length ‖Δθ‖₂ of all"
        + " parameters, mean per iteration", List.of(), 1,
        List.of(new Panel("", "‖Δθ‖₂ (log scale)", true,
            List.of(new Curve(run -> run.metric("update_norm"), Style.LINE))))));
    Set<String> tensors = new LinkedHashSet<>();
    runs.forEach(run -> tensors.addAll(run.tensors()));
    if (!tensors.isEmpty()) {
      String sampled = " (per tensor, sampled optimizer steps of gradstats.jsonl)";
      written.add(f.tensorFigure(outDir.resolve("update_norm_tensors.png"),
          "Update step length ‖Δθ‖₂" + sampled, "‖Δθ‖₂ (log scale)", true, tensors,
          List.of(), "update_norm"));
      written.add(f.tensorFigure(outDir.resolve("gradstats_snr.png"), "Gradient signal-to-noise"
              + " ratio: median over elements of μ² / var" + sampled, "SNR (log scale)", true,
          tensors, List.of(), "snr_median"));
      written.add(f.tensorFigure(outDir.resolve("gradstats_variance.png"), "Per-example gradient"
              + " variance: mean over elements of var" + sampled, "variance (log scale)", true,
          tensors, List.of(), "variance_mean"));
      written.add(f.tensorFigure(outDir.resolve("gradstats_sign_agreement.png"), "Sign agreement:"
              + " mean over elements of |mean over examples of sign(gᵢ)|" + sampled,
          "agreement (1 = all agree)", false, tensors, List.of(), "sign_agreement"));
      written.add(f.tensorFigure(outDir.resolve("gradstats_example_norm.png"), "Per-example"
              + " gradient norm ‖gᵢ‖, median and 90th percentile over the minibatch" + sampled,
          "‖gᵢ‖ (log scale)", true, tensors,
          List.of(new LegendEntry("p50 (median)", Color.DARK_GRAY, Style.LINE),
              new LegendEntry("p90", Color.DARK_GRAY, Style.DASHED)),
          "example_norm_p50", "example_norm_p90"));
    }
    return written;
  }

  private Path returnFigure(Path outDir) throws IOException {
    boolean tested = groups.stream().flatMap(g -> g.runs().stream())
        .anyMatch(run -> !run.metric("eval_return").isEmpty());
    List<Curve> curves = new ArrayList<>(
        List.of(new Curve(run -> run.metric("episode_return_mean"), Style.LINE)));
    List<LegendEntry> notes = new ArrayList<>();
    if (tested) {
      curves.add(new Curve(run -> run.metric("eval_return"), Style.MARKERS));
      for (int i = 0; i < groups.size(); i++) {
        Group group = groups.get(i);
        notes.add(new LegendEntry(group.optimizer() + ": test episodes (eval_return"
            + (group.runs().size() > 1 ? ", mean of " + group.runs().size() + " runs" : "")
            + ")", group.color().darker(), Style.MARKERS, i));
      }
    }
    return draw(outDir.resolve("return.png"), "Episode return (unclipped): training, mean of the"
        + " last 100 episodes" + (tested ? "; test episodes" : ""), notes, 1,
        List.of(new Panel("", "episode return", false, curves)));
  }

  private static Panel metricPanel(String title, String yAxis, String field) {
    return new Panel(title, yAxis, false,
        List.of(new Curve(run -> run.metric(field), Style.LINE)));
  }

  private Path tensorFigure(Path file, String title, String yAxis, boolean logarithmic,
      Set<String> tensors, List<LegendEntry> notes, String... fields) throws IOException {
    List<Panel> panels = new ArrayList<>();
    for (String tensor : tensors) {
      List<Curve> curves = new ArrayList<>();
      for (int i = 0; i < fields.length; i++) {
        String field = fields[i];
        curves.add(new Curve(run -> run.gradStat(tensor, field),
            i == 0 ? Style.LINE : Style.DASHED));
      }
      panels.add(new Panel(tensor, yAxis, logarithmic, curves));
    }
    return draw(file, title, notes, Math.min(COLUMNS, panels.size()), panels);
  }

  /** One PNG: the title and legend above, the panels in a grid of {@code columns}. */
  private Path draw(Path file, String title, List<LegendEntry> notes, int columns,
      List<Panel> panels) throws IOException {
    boolean grid = panels.size() > 1;
    int width = grid ? GRID_WIDTH : WIDTH;
    int height = grid ? GRID_HEIGHT : HEIGHT;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      List<LegendEntry> legend = new ArrayList<>();
      groups.forEach(group -> legend.add(new LegendEntry(group.label(), group.color(),
          Style.LINE)));
      legend.addAll(notes);
      int top = drawHeader(g, width, title, legend);
      int rows = (panels.size() + columns - 1) / columns;
      int panelWidth = width / columns;
      int panelHeight = (height - top) / rows;
      for (int i = 0; i < panels.size(); i++) {
        Graphics2D cell = (Graphics2D) g.create((i % columns) * panelWidth,
            top + (i / columns) * panelHeight, panelWidth, panelHeight);
        try {
          paintPanel(cell, panels.get(i), panelWidth, panelHeight, grid);
        } finally {
          cell.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  /** Draws the title and the legend, wrapped to the width; returns the height they took. */
  private static int drawHeader(Graphics2D g, int width, String title, List<LegendEntry> legend) {
    int margin = 16;
    g.setColor(Color.BLACK);
    g.setFont(TITLE_FONT);
    int y = margin + g.getFontMetrics().getAscent();
    g.drawString(title, margin, y);
    g.setFont(LEGEND_FONT);
    FontMetrics fm = g.getFontMetrics();
    int swatch = 34;
    int lineHeight = fm.getHeight() + 4;
    int x = margin;
    y += lineHeight + 4;
    for (LegendEntry e : legend) {
      int entryWidth = swatch + 8 + fm.stringWidth(e.text()) + 28;
      if (x > margin && x + entryWidth > width - margin) {
        x = margin;
        y += lineHeight;
      }
      int mid = y - fm.getAscent() / 2 + 1;
      g.setColor(e.color());
      switch (e.style()) {
        case LINE -> {
          g.setStroke(SOLID);
          g.drawLine(x, mid, x + swatch, mid);
        }
        case DASHED -> {
          g.setStroke(DASHED);
          g.drawLine(x, mid, x + swatch, mid);
        }
        case MARKERS -> {
          int cx = x + swatch / 2;
          switch (e.shape() % MARKER_SHAPES.length) {
            case 0 -> g.fillPolygon(new int[] {cx, cx + 6, cx, cx - 6},
                new int[] {mid - 6, mid, mid + 6, mid}, 4);
            case 1 -> g.fillOval(cx - 5, mid - 5, 11, 11);
            case 2 -> g.fillRect(cx - 5, mid - 5, 10, 10);
            default -> g.fillPolygon(new int[] {cx - 6, cx, cx + 6},
                new int[] {mid + 5, mid - 6, mid + 5}, 3);
          }
        }
      }
      g.setColor(Color.BLACK);
      g.drawString(e.text(), x + swatch + 8, y);
      x += entryWidth;
    }
    return y + fm.getDescent() + 10;
  }

  private void paintPanel(Graphics2D g, Panel panel, int width, int height, boolean titled) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(panel.title())
        .xAxisTitle(xAxis).yAxisTitle(panel.yAxis()).build();
    styleChart(chart.getStyler(), panel.logarithmic(), titled);
    // A fixed 0..xMax axis gets round ticks (XChart puts ticks on the data's x values when they
    // and the axis ends are equally spaced, as agent steps are) and lines figures up.
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setXAxisMax(xMax);
    for (Curve curve : panel.curves()) {
      for (Group group : groups) {
        addCurve(chart, group, curve, panel.logarithmic());
      }
    }
    if (chart.getSeriesCollection().isEmpty()) {
      g.setColor(Color.GRAY);
      g.setFont(LEGEND_FONT);
      g.drawString((panel.title().isEmpty() ? "" : panel.title() + ": ")
          + "no data in these runs", 24, height / 2);
      return;
    }
    if (panel.logarithmic()) {
      double min = chart.getSeriesCollection().stream().mapToDouble(XYSeries::getYMin).min()
          .orElse(1);
      double max = chart.getSeriesCollection().stream().mapToDouble(XYSeries::getYMax).max()
          .orElse(1);
      // Decade ticks alone leave a range within one or two decades with a single label.
      chart.getStyler().setYAxisLogarithmicDecadeOnly(max / min > 100);
    }
    chart.paint(g, width, height);
  }

  private void addCurve(XYChart chart, Group group, Curve curve, boolean logarithmic) {
    List<Series> data = group.runs().stream().map(curve.data())
        .map(s -> logarithmic ? s.positive() : s).filter(s -> !s.isEmpty()).toList();
    Band band = data.size() >= 2 ? Band.of(data, logarithmic) : null;
    if (curve.style() == Style.MARKERS) {
      // A group's test episodes: the runs' mean where they all tested, each run's own after.
      List<Series> shown = new ArrayList<>();
      if (band == null) {
        shown.addAll(data);
      } else {
        shown.add(new Series(band.x(), band.mean()));
        double end = band.x()[band.x().length - 1];
        data.forEach(s -> shown.add(s.from(Math.nextUp(end))));
      }
      Marker shape = MARKER_SHAPES[groups.indexOf(group) % MARKER_SHAPES.length];
      shown.stream().filter(s -> !s.isEmpty()).forEach(s ->
          addSeries(chart, s.x(), s.y(), group.color(), curve.style()).setMarker(shape));
      return;
    }
    if (band == null) {
      data.forEach(s -> addSeries(chart, s.x(), s.y(), group.color(), curve.style()));
      return;
    }
    XYSeries area = chart.addSeries("band " + seriesCount++, inXUnits(band.outlineX()),
        band.outlineY());
    area.setXYSeriesRenderStyle(XYSeriesRenderStyle.PolygonArea);
    Color c = group.color();
    area.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
    area.setLineColor(new Color(0, 0, 0, 0));
    area.setMarker(SeriesMarkers.NONE);
    addSeries(chart, band.x(), band.mean(), c, curve.style());
    // The band covers only the steps every run reached; the longer runs go on as thin lines.
    double end = band.x()[band.x().length - 1];
    for (Series s : data) {
      Series tail = s.from(end);
      if (tail.size() >= 2) {
        addSeries(chart, tail.x(), tail.y(), c, curve.style()).setLineWidth(1f);
      }
    }
  }

  private XYSeries addSeries(XYChart chart, double[] x, double[] y, Color color, Style style) {
    XYSeries s = chart.addSeries("series " + seriesCount++, inXUnits(x), y);
    if (style == Style.MARKERS) {
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
      s.setMarker(SeriesMarkers.DIAMOND);
      s.setMarkerColor(color.darker());
    } else {
      s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(color);
      s.setLineStyle(style == Style.DASHED ? DASHED : SOLID);
    }
    return s;
  }

  private double[] inXUnits(double[] agentSteps) {
    return Arrays.stream(agentSteps).map(v -> v / xUnit).toArray();
  }

  private static void styleChart(XYStyler s, boolean logarithmic, boolean titled) {
    s.setLegendVisible(false); // one legend for the figure, in its header
    s.setChartTitleVisible(titled);
    s.setChartTitleBoxVisible(false);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderColor(Color.GRAY);
    s.setPlotGridLinesColor(new Color(0xdddddd));
    s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    s.setMarkerSize(11);
    s.setYAxisLogarithmic(logarithmic);
    s.setYAxisTickLabelsFormattingFunction(TrainingFigures::number);
  }

  /** A tick value in at most 4 significant digits: 0.0005, 12.5, 1e-6, 2.5e+05. */
  static String number(double v) {
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-4 || a >= 1e5)) {
      return String.format(Locale.ROOT, "%.1e", v).replace(".0e", "e").replace("e-0", "e-")
          .replace("e+0", "e+");
    }
    String decimal = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros()
        .toPlainString();
    return decimal.equals("-0") ? "0" : decimal;
  }
}
