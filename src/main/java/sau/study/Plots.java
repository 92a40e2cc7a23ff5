package sau.study;

import de.erichseifert.vectorgraphics2d.Processors;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's figures, drawn with XChart and written both as PNG and as SVG:
 * <ul>
 *   <li>{@code accuracy}: train and test accuracy per epoch, one line per activation (the mean
 *       over seeds) inside a shaded band of ± 1 sample std (the paper's Figures 2 and 3);</li>
 *   <li>{@code loss}: the same for the cross-entropy loss;</li>
 *   <li>{@code lr}: the learning rate at the start of each epoch;</li>
 *   <li>{@code activations}: activation functions and their derivatives (the paper's Figure 1).</li>
 * </ul>
 * A figure with two panels puts them side by side, each {@value #WIDTH}×{@value #HEIGHT} pixels.
 */
public final class Plots {

    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    /** Figure 1's set: SAU at α = 0.15 going from very smooth (n = 1) to Leaky ReLU (n = 20000), one other α, and Leaky ReLU itself. */
    public static final List<String> FIGURE_1 = List.of(
            "sau(alpha=0.15, n=1)", "sau(alpha=0.15, n=2)", "sau(alpha=0.15, n=5)", "sau(alpha=0.15, n=20000)",
            "sau(alpha=0.5, n=2)", "leaky_relu(0.15)");

    /** Tableau's ten colours: distinct for most forms of colour blindness and in grey-scale print. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0x79706E)};

    /** A line to draw: the mean per x and, when several runs make it, their std (else null). */
    record Curve(String label, double[] x, double[] mean, double[] std) {}

    private Plots() {}

    /** Draws a study's figures into {@code outDir}. */
    public static void study(StudyResults results, Path outDir) throws IOException {
        final List<String> activations = results.complete().entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
        final int seeds = results.study().seeds().size();
        final String band = seeds > 1 ? " (mean +/- 1 std over " + seeds + " seeds)" : "";
        final List<Curve> trainAcc = new ArrayList<>(), testAcc = new ArrayList<>(), trainLoss = new ArrayList<>(), testLoss = new ArrayList<>(), lr = new ArrayList<>();
        for (String a : activations) {
            final List<RunLog> runs = List.copyOf(results.complete().get(a).values());
            trainAcc.add(curve(a, runs, e -> 100 * e.trainAcc()));
            testAcc.add(curve(a, runs, e -> 100 * e.testAcc()));
            trainLoss.add(curve(a, runs, RunLog.Epoch::trainLoss));
            testLoss.add(curve(a, runs, RunLog.Epoch::testLoss));
            lr.add(curve(a, runs, RunLog.Epoch::lr));
        }
        Files.createDirectories(outDir);
        save(List.of(chart("Train accuracy" + band, "epoch", "accuracy (%)", trainAcc, Styler.LegendPosition.InsideSE, false),
                chart("Test accuracy" + band, "epoch", "accuracy (%)", testAcc, Styler.LegendPosition.InsideSE, false)), outDir.resolve("accuracy"));
        save(List.of(chart("Train loss" + band, "epoch", "cross-entropy", trainLoss, Styler.LegendPosition.InsideNE, false),
                chart("Test loss" + band, "epoch", "cross-entropy", testLoss, Styler.LegendPosition.InsideNE, false)), outDir.resolve("loss"));
        save(List.of(chart("Learning rate at the start of each epoch", "epoch", "learning rate", sameCurvesOnce(lr), Styler.LegendPosition.InsideNE, false)), outDir.resolve("lr"));
        activations(FIGURE_1, -3, 3, outDir.resolve("activations"));
    }

    /** Draws one run's accuracy, loss and learning rate into {@code outDir}; {@code label} names its line. */
    public static void run(RunLog log, String label, Path outDir) throws IOException {
        if (log.isEmpty()) throw new IllegalArgumentException(log.dir() + " has no epochs logged yet");
        final List<RunLog> one = List.of(log);
        Files.createDirectories(outDir);
        if (log.isDetection()) {
            detectionRun(log, label, outDir);
            return;
        }
        save(List.of(chart("Train accuracy", "epoch", "accuracy (%)", List.of(curve(label, one, e -> 100 * e.trainAcc())), Styler.LegendPosition.InsideSE, false),
                chart("Test accuracy", "epoch", "accuracy (%)", List.of(curve(label, one, e -> 100 * e.testAcc())), Styler.LegendPosition.InsideSE, false)), outDir.resolve("accuracy"));
        save(List.of(chart("Train loss", "epoch", "cross-entropy", List.of(curve(label, one, RunLog.Epoch::trainLoss)), Styler.LegendPosition.InsideNE, false),
                chart(log.heldOutName() + " loss", "epoch", "cross-entropy", List.of(curve(label, one, RunLog.Epoch::testLoss)), Styler.LegendPosition.InsideNE, false)), outDir.resolve("loss"));
        save(List.of(chart("Learning rate at the start of each epoch", "epoch", "learning rate", List.of(curve(label, one, RunLog.Epoch::lr)), Styler.LegendPosition.InsideNE, false)), outDir.resolve("lr"));
    }

    /** A detector's run: {@code map} (the test mAP@0.5 of the evaluated epochs, in %), the multibox loss and the learning rate. */
    private static void detectionRun(RunLog log, String label, Path outDir) throws IOException {
        final List<RunLog.Epoch> scored = log.epochs().stream().filter(e -> !Double.isNaN(e.testMap())).toList();
        final double[] x = scored.stream().mapToDouble(RunLog.Epoch::epoch).toArray();
        final double[] map = scored.stream().mapToDouble(e -> 100 * e.testMap()).toArray();
        save(List.of(chart("Test mAP@0.5", "epoch", "mAP (%)", List.of(new Curve(label, x, map, null)), Styler.LegendPosition.InsideSE, false)),
                outDir.resolve("map"));
        final List<RunLog> one = List.of(log);
        save(List.of(chart("Train loss", "epoch", "multibox loss", List.of(curve(label, one, RunLog.Epoch::trainLoss)), Styler.LegendPosition.InsideNE, false)),
                outDir.resolve("loss"));
        save(List.of(chart("Learning rate at the start of each epoch", "epoch", "learning rate", List.of(curve(label, one, RunLog.Epoch::lr)), Styler.LegendPosition.InsideNE, false)),
                outDir.resolve("lr"));
    }

    /** Draws the activations {@code specs} on [from, to] beside their derivatives, into {@code file}.png and .svg. */
    public static void activations(List<String> specs, double from, double to, Path file) throws IOException {
        final List<Curve> values = new ArrayList<>(), slopes = new ArrayList<>();
        for (String spec : specs) {
            final ActivationCurves c = ActivationCurves.of(spec, from, to, 161);
            values.add(new Curve(spec, c.x(), c.y(), null));
            slopes.add(new Curve(spec, c.x(), c.dy(), null));
        }
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        save(List.of(chart("Activation f(x)", "x", "f(x)", values, Styler.LegendPosition.InsideNW, true),
                chart("Derivative f'(x)", "x", "f'(x)", slopes, Styler.LegendPosition.InsideNW, true)), file);
    }

    /** The per-epoch mean and std of {@code metric} over runs that logged the same epochs. */
    static Curve curve(String label, List<RunLog> runs, ToDoubleFunction<RunLog.Epoch> metric) {
        final int epochs = runs.stream().mapToInt(r -> r.epochs().size()).min().orElseThrow();
        final double[] x = new double[epochs], mean = new double[epochs], std = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            final int epoch = e;
            final double[] values = runs.stream().mapToDouble(r -> metric.applyAsDouble(r.epochs().get(epoch))).toArray();
            x[e] = runs.get(0).epochs().get(e).epoch();
            mean[e] = Stats.mean(values);
            std[e] = Stats.sampleStd(values);
        }
        return new Curve(label, x, mean, runs.size() > 1 ? std : null);
    }

    /** One line labelled "every activation" when all curves are the same (the usual case of a learning rate), else all of them. */
    private static List<Curve> sameCurvesOnce(List<Curve> curves) {
        final boolean same = curves.stream().allMatch(c -> Arrays.equals(c.x(), curves.get(0).x()) && Arrays.equals(c.mean(), curves.get(0).mean()));
        if (!same || curves.size() < 2) return curves;
        final Curve c = curves.get(0);
        return List.of(new Curve("every activation", c.x(), c.mean(), null));
    }

    /**
     * A line chart of {@code curves}, each in its palette colour over its ± std band (when it has
     * one); SAU's lines are drawn thicker. With {@code leakyAsReference}, Leaky ReLU drawn beside
     * SAU is shown as SAU's limit: black and dashed, so the SAU curves can be seen converging on it.
     */
    static XYChart chart(String title, String xTitle, String yTitle, List<Curve> curves, Styler.LegendPosition legend, boolean leakyAsReference) {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        final var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setPlotBorderColor(Color.GRAY);
        styler.setLegendPosition(legend);
        styler.setLegendBorderColor(Color.LIGHT_GRAY);
        styler.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setMarkerSize(6);
        styler.setAntiAlias(true);
        styler.setXAxisTickMarkSpacingHint(90);
        styler.setXAxisDecimalPattern("0.##");
        styler.setYAxisDecimalPattern("0.#####");
        // a band is a closed polygon, so it must be drawn before every line to stay beneath them
        for (int i = 0; i < curves.size(); i++) {
            final Curve c = curves.get(i);
            if (c.std() == null) continue;
            final XYSeries band = chart.addSeries(c.label() + " std", bandX(c.x()), bandY(c.mean(), c.std()));
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            final Color color = PALETTE[i % PALETTE.length];
            band.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 40));
            band.setLineColor(new Color(0, 0, 0, 0));
            band.setMarker(SeriesMarkers.NONE);
            band.setShowInLegend(false);
        }
        final boolean fewPoints = curves.stream().allMatch(c -> c.x().length <= 30);
        for (int i = 0; i < curves.size(); i++) {
            final Curve c = curves.get(i);
            final XYSeries line = chart.addSeries(c.label(), c.x(), c.mean());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            final boolean sau = c.label().startsWith("sau");
            final boolean reference = leakyAsReference && c.label().startsWith("leaky_relu") && curves.stream().anyMatch(o -> o.label().startsWith("sau"));
            final Color color = reference ? Color.BLACK : PALETTE[i % PALETTE.length];
            line.setLineColor(color);
            line.setMarkerColor(color);
            // per-epoch curves get a marker on each epoch, so that a one-epoch run still shows as a point
            line.setMarker(fewPoints ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            line.setLineStyle(reference ? new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, new float[] {8, 6}, 0)
                    : new BasicStroke(sau ? 3f : 2f));
        }
        return chart;
    }

    /** The band's outline: along the upper edge left to right, then back along the lower edge. */
    private static double[] bandX(double[] x) {
        final int n = x.length;
        final double[] out = new double[2 * n];
        for (int i = 0; i < n; i++) {
            out[i] = x[i];
            out[2 * n - 1 - i] = x[i];
        }
        return out;
    }

    private static double[] bandY(double[] mean, double[] std) {
        final int n = mean.length;
        final double[] out = new double[2 * n];
        for (int i = 0; i < n; i++) {
            out[i] = mean[i] + std[i];
            out[2 * n - 1 - i] = mean[i] - std[i];
        }
        return out;
    }

    /** Writes the charts side by side as {@code file}.png and {@code file}.svg. */
    static void save(List<XYChart> panels, Path file) throws IOException {
        final int width = WIDTH * panels.size();
        final BufferedImage image = new BufferedImage(width, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        paint(panels, g);
        g.dispose();
        ImageIO.write(image, "png", file.resolveSibling(file.getFileName() + ".png").toFile());

        final VectorGraphics2D vg = new VectorGraphics2D();
        paint(panels, vg);
        try (OutputStream out = Files.newOutputStream(file.resolveSibling(file.getFileName() + ".svg"))) {
            Processors.get("svg").getDocument(vg.getCommands(), new PageSize(0, 0, width, HEIGHT)).writeTo(out);
        }
    }

    private static void paint(List<XYChart> panels, Graphics2D g) {
        for (int i = 0; i < panels.size(); i++) {
            final Graphics2D panel = (Graphics2D) g.create(i * WIDTH, 0, WIDTH, HEIGHT);
            panels.get(i).paint(panel, WIDTH, HEIGHT);
            panel.dispose();
        }
    }
}
