package sau.study;

/**
 * The paper's Table 8 verdict of one activation against another on one task: a tie when the
 * mean ± 1 standard deviation intervals overlap, otherwise a win or a loss by the means. With a
 * single run the interval is the mean alone.
 */
public enum WinTieLoss {
    WIN, TIE, LOSS;

    public static WinTieLoss of(Stats.Summary candidate, Stats.Summary baseline) {
        final double cs = spread(candidate), bs = spread(baseline);
        final boolean overlap = candidate.mean() - cs <= baseline.mean() + bs && baseline.mean() - bs <= candidate.mean() + cs;
        if (overlap) return TIE;
        return candidate.mean() > baseline.mean() ? WIN : LOSS;
    }

    private static double spread(Stats.Summary s) {
        return Double.isNaN(s.std()) ? 0 : s.std();
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
