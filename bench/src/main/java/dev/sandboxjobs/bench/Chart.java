package dev.sandboxjobs.bench;

import java.util.List;
import java.util.Locale;

/**
 * One SVG bar chart of every comparison in a run: how many times better ours is than each peer
 * (the metric's ratio), on a logarithmic axis with 1× marked, so that a reader sees where we lead
 * and where we trail before reading the tables. Plain SVG text, no library.
 */
final class Chart {
    private static final int LABEL_WIDTH = 520;
    private static final int BAR_WIDTH = 420;
    private static final int ROW = 22;
    private static final double MIN = 0.1;
    private static final double MAX = 10_000;

    private Chart() {}

    static String svg(List<Metric> metrics, String title) {
        List<Metric> rows = metrics.stream().filter(m -> m.ratio() != null && !m.ratio().isNaN() && m.ratio() > 0).toList();
        int top = 48;
        int height = top + rows.size() * ROW + 40;
        int width = LABEL_WIDTH + BAR_WIDTH + 90;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\" fill=\"#555\">ratio = how many times better ours is "
                + "(log scale; right of the 1× line: ours ahead, left: behind)</text>%n"));
        for (double tick = MIN; tick <= MAX; tick *= 10) {
            double x = LABEL_WIDTH + x(tick);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
                    x, top - 4, x, top + rows.size() * ROW, tick == 1 ? "#000" : "#ddd"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s×</text>%n",
                    x, top + rows.size() * ROW + 16, Report.num(tick)));
        }
        int y = top;
        for (Metric m : rows) {
            double r = Math.max(MIN, Math.min(MAX, m.ratio()));
            double x0 = LABEL_WIDTH + x(1);
            double x1 = LABEL_WIDTH + x(r);
            String label = shortArea(m.area()) + ": " + m.name() + " vs " + m.peer();
            if (label.length() > 88) {
                label = label.substring(0, 87) + "…";
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 8, y + 15, esc(label)));
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                    Math.min(x0, x1), y + 4, Math.max(1, Math.abs(x1 - x0)), ROW - 8, r >= 1 ? "#2e7d32" : "#c62828"));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s×</text>%n",
                    Math.max(x0, x1) + 4, y + 15, Report.num(m.ratio())));
            y += ROW;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(double ratio) {
        return (Math.log10(ratio) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN)) * BAR_WIDTH;
    }

    private static String shortArea(String area) {
        int dot = area.indexOf(". ");
        String a = dot >= 0 ? area.substring(dot + 2) : area;
        int paren = a.indexOf(" (");
        return paren > 0 ? a.substring(0, paren) : a;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
