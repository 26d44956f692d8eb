package dev.sandboxjobs.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One measured figure. For comparisons, {@code peer}/{@code peerValue} hold the peer's figure
 * measured in the same run and {@code ratio} is peerValue / value for times (how many times faster
 * we are) and value / peerValue for rates.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metric(String area, String name, Double value, String unit, String peer, Double peerValue,
                     Double ratio, String target, String met, String note) {

    static Metric of(String area, String name, double value, String unit) {
        return new Metric(area, name, value, unit, null, null, null, null, null, null);
    }

    static Metric notMeasured(String area, String name, String why) {
        return new Metric(area, name, null, null, null, null, null, null, "not measured", why);
    }

    Metric vs(String peerName, double peerFigure, boolean higherIsBetter) {
        double r = higherIsBetter ? value / peerFigure : peerFigure / value;
        return new Metric(area, name, value, unit, peerName, peerFigure, r, target, met, note);
    }

    Metric target(String text, boolean ok) {
        return new Metric(area, name, value, unit, peer, peerValue, ratio, text, ok ? "met" : "not met", note);
    }

    Metric note(String text) {
        return new Metric(area, name, value, unit, peer, peerValue, ratio, target, met, text);
    }
}
