package dev.sandboxjobs.engine.interpreter;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One rich output of a run: the value of the last expression ({@link #isMainResult()}), or
 * something displayed along the way (a Matplotlib figure, {@code display(df)}). A result carries
 * one or more representations of the same thing; ask for the one you can use.
 *
 * <pre>{@code
 * for (Result r : execution.results()) {
 *     if (r.png() != null) Files.write(Path.of("chart.png"), r.pngBytes());
 *     else if (r.html() != null) page.append(r.html());
 *     else System.out.println(r.text());
 * }
 * }</pre>
 *
 * <p>Images ({@link #png()}, {@link #jpeg()}) are base64 text, as in the seed; {@link #json()},
 * {@link #chart()} and {@link #data()} are JSON text.
 */
public final class Result {
    private static final Map<String, String> FORMAT_OF_MIME = Map.of(
            "text/plain", "text",
            "text/html", "html",
            "image/png", "png",
            "image/jpeg", "jpeg",
            "image/svg+xml", "svg",
            "text/latex", "latex",
            "text/markdown", "markdown",
            "application/json", "json");

    private final Map<String, String> data;
    private final String chart;
    private final boolean mainResult;

    /**
     * @param data representations by MIME type ({@code text/plain}, {@code text/html},
     *     {@code image/png} as base64...); JSON values as JSON text
     * @param chart a JSON description of a chart's data, or null
     * @param mainResult whether this is the value of the run's last expression
     */
    public Result(Map<String, String> data, String chart, boolean mainResult) {
        this.data = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(data, "data")));
        this.chart = chart;
        this.mainResult = mainResult;
    }

    /** Plain text, for example {@code 78.53981633974483} or a DataFrame as a text table. */
    public String text() {
        return data.get("text/plain");
    }

    /** HTML, for example a pandas DataFrame as a table. */
    public String html() {
        return data.get("text/html");
    }

    /** A PNG image as base64, for example a Matplotlib figure. */
    public String png() {
        return data.get("image/png");
    }

    /** The PNG image's bytes, or null. */
    public byte[] pngBytes() {
        return decode(png());
    }

    /** A JPEG image as base64. */
    public String jpeg() {
        return data.get("image/jpeg");
    }

    /** The JPEG image's bytes, or null. */
    public byte[] jpegBytes() {
        return decode(jpeg());
    }

    /** An SVG image (XML text). */
    public String svg() {
        return data.get("image/svg+xml");
    }

    /** LaTeX source. */
    public String latex() {
        return data.get("text/latex");
    }

    /** Markdown source. */
    public String markdown() {
        return data.get("text/markdown");
    }

    /** JSON text, for example {@code IPython.display.JSON(obj)} or a JavaScript object. */
    public String json() {
        return data.get("application/json");
    }

    /**
     * The data behind a simple Matplotlib chart as JSON text, or null: {@code {"type": "line" |
     * "bar" | "scatter", "title", "xLabel", "yLabel", "elements": [...]}}. Line and scatter elements
     * have {@code label} and {@code points} ([x, y] pairs); bar elements have {@code label},
     * {@code value} and {@code group}.
     */
    public String chart() {
        return chart;
    }

    /** Structured data (JSON text) when the output carries any: the {@link #json()} representation. */
    public String data() {
        return json();
    }

    /** Whether this is the value of the run's last expression (as opposed to a displayed output). */
    public boolean isMainResult() {
        return mainResult;
    }

    /**
     * The formats this result offers, by their short names: {@code text}, {@code html},
     * {@code png}, {@code jpeg}, {@code svg}, {@code latex}, {@code markdown}, {@code json},
     * {@code chart}; other MIME types by their MIME type.
     */
    public List<String> formats() {
        List<String> formats = new ArrayList<>();
        for (String mime : data.keySet()) {
            formats.add(FORMAT_OF_MIME.getOrDefault(mime, mime));
        }
        if (chart != null) {
            formats.add("chart");
        }
        return List.copyOf(formats);
    }

    /** Every representation by MIME type, including ones without an accessor. */
    public Map<String, String> raw() {
        return data;
    }

    private static byte[] decode(String base64) {
        return base64 == null ? null : Base64.getMimeDecoder().decode(base64);
    }

    @Override
    public String toString() {
        return "Result" + formats() + (mainResult ? "(main)" : "");
    }
}
