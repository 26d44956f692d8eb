package dev.sandboxjobs.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles over a list of samples (milliseconds). */
final class Stats {
    private final double[] sorted;

    Stats(List<Double> samples) {
        sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
    }

    double p(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    int count() {
        return sorted.length;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
