package dev.activations.bench.paper;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG charts of the run's own measurements (XChart, headless). A series whose data is missing
 * (a failed benchmark) is left out rather than drawn as zero. Every failure to draw (no data,
 * no fonts on the host) is an {@link IOException}: the caller notes it and goes on.
 */
final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 540;

    private Charts() {
    }

    /**
     * Grouped bars: one group per category, one bar per series.
     *
     * @param series name -> value per category (NaN = missing, the series is left out)
     */
    static void bars(Path file, String title, String yTitle, boolean logarithmic, List<String> categories,
                     Map<String, double[]> series) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("").yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setYAxisLogarithmic(logarithmic);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setLabelsVisible(false);
        c.getStyler().setOverlapped(false);
        int drawn = 0;
        List<Double> all = new java.util.ArrayList<>();
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (complete(e.getValue()) && (!logarithmic || positive(e.getValue()))) {
                c.addSeries(e.getKey(), categories, toList(e.getValue()));
                all.addAll(toList(e.getValue()));
                drawn++;
            }
        }
        if (logarithmic && drawn > 0) {
            logBounds(c, all.stream().mapToDouble(Double::doubleValue).toArray());
        }
        save(c, file, drawn);
    }

    /** One bar per category (impl); NaN values are left out. */
    static void bars(Path file, String title, String yTitle, boolean logarithmic, Map<String, Double> values)
            throws IOException {
        List<String> cats = new java.util.ArrayList<>();
        List<Double> ys = new java.util.ArrayList<>();
        values.forEach((k, v) -> {
            if (!Double.isNaN(v) && (!logarithmic || v > 0)) {
                cats.add(k);
                ys.add(v);
            }
        });
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("").yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setYAxisLogarithmic(logarithmic);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setLabelsVisible(!logarithmic);
        c.getStyler().setLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        c.getStyler().setDecimalPattern("#,##0.00");
        c.getStyler().setXAxisLabelRotation(cats.size() > 4 ? 15 : 0);
        if (!cats.isEmpty()) {
            c.addSeries(yTitle, cats, ys);
            if (logarithmic) {
                logBounds(c, ys.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        save(c, file, cats.size());
    }

    /**
     * Lines through points; {@code x} per series. Points with NaN y are dropped.
     *
     * @param dashed names of series drawn as reference lines (no markers)
     */
    static void lines(Path file, String title, String xTitle, String yTitle, Map<String, double[][]> series,
                      List<String> dashed) throws IOException {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setXAxisDecimalPattern("0");
        int drawn = 0;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = dropMissing(e.getValue());
            if (xy[0].length == 0) {
                continue;
            }
            XYSeries s = c.addSeries(e.getKey(), xy[0], xy[1]);
            if (dashed.contains(e.getKey())) {
                s.setMarker(SeriesMarkers.NONE);
                s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
            } else if (xy[0].length == 1) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
            drawn++;
        }
        save(c, file, drawn);
    }

    /** XChart draws log-scale bars from the axis minimum, which must be set and positive: decades around the data. */
    private static void logBounds(CategoryChart c, double[] values) {
        double min = java.util.Arrays.stream(values).min().orElse(1);
        double max = java.util.Arrays.stream(values).max().orElse(10);
        c.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        c.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max))));
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setPlotBackgroundColor(java.awt.Color.WHITE);
        s.setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 15));
        s.setLegendBorderColor(java.awt.Color.LIGHT_GRAY);
    }

    private static void save(Chart<?, ?> c, Path file, int drawn) throws IOException {
        if (drawn == 0) {
            throw new IOException("no data for chart " + file.getFileName() + ": every series failed");
        }
        try {
            BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (RuntimeException | Error e) { // e.g. a headless host with no fonts: "Fontconfig head is null"
            Files.deleteIfExists(file);
            throw new IOException("could not draw " + file.getFileName() + ": " + e, e);
        }
    }

    private static boolean complete(double[] v) {
        for (double d : v) {
            if (Double.isNaN(d)) {
                return false;
            }
        }
        return true;
    }

    private static boolean positive(double[] v) {
        for (double d : v) {
            if (d <= 0) {
                return false;
            }
        }
        return true;
    }

    private static List<Double> toList(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    private static double[][] dropMissing(double[][] xy) {
        int n = 0;
        for (double y : xy[1]) {
            if (!Double.isNaN(y)) {
                n++;
            }
        }
        double[][] r = new double[2][n];
        for (int i = 0, j = 0; i < xy[1].length; i++) {
            if (!Double.isNaN(xy[1][i])) {
                r[0][j] = xy[0][i];
                r[1][j++] = xy[1][i];
            }
        }
        return r;
    }

    /** An insertion-ordered map, for building series inline. */
    static <V> Map<String, V> ordered() {
        return new LinkedHashMap<>();
    }
}
