package sau.study;

/**
 * The statistics of a study: summaries of a metric over seeds, and a paired t-test of two
 * activations trained on the same seeds.
 *
 * <p>Java's standard library has no Student-t distribution, so its CDF is computed here from
 * the regularized incomplete beta function, evaluated by the continued fraction of Numerical
 * Recipes (Press et al., 3rd ed., §6.4) with the modified Lentz method.
 */
public final class Stats {

    /** A metric's mean, sample standard deviation (n − 1 in the denominator; NaN for one value), minimum and maximum. */
    public record Summary(int n, double mean, double std, double min, double max) {

        public static Summary of(double[] values) {
            if (values.length == 0) throw new IllegalArgumentException("no values to summarise");
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            return new Summary(values.length, Stats.mean(values), sampleStd(values), min, max);
        }
    }

    /**
     * A paired t-test of a − b over matched pairs.
     *
     * @param meanDiff the mean of the differences a_i − b_i
     * @param t        the statistic mean(d) / (sd(d) / √n)
     * @param df       degrees of freedom, n − 1
     * @param p        the two-sided p-value: the probability of a |t| at least this large if the true mean difference were 0
     */
    public record PairedTest(int n, double meanDiff, double t, int df, double p) {}

    private Stats() {}

    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) sum += v;
        return sum / values.length;
    }

    /** The sample standard deviation: √(Σ(x − x̄)² / (n − 1)); NaN when n < 2, where it is undefined. */
    public static double sampleStd(double[] values) {
        if (values.length < 2) return Double.NaN;
        final double m = mean(values);
        double ss = 0;
        for (double v : values) ss += (v - m) * (v - m);
        return Math.sqrt(ss / (values.length - 1));
    }

    /**
     * The paired t-test of {@code a} against {@code b}, where {@code a[i]} and {@code b[i]} come
     * from the same seed. Pairing removes the part of the spread that the seed explains (the same
     * initialisation and data order favour both), so it detects smaller differences than comparing
     * the two means with their own spreads. Needs at least two pairs. When every difference is the
     * same, sd(d) is 0: the test then says p = 1 for a zero difference and p = 0 otherwise.
     */
    public static PairedTest pairedTTest(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("a paired test needs as many values on each side, got " + a.length + " and " + b.length);
        final int n = a.length;
        if (n < 2) throw new IllegalArgumentException("a paired test needs at least 2 pairs, got " + n);
        final double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = a[i] - b[i];
        final double meanDiff = mean(d);
        final double sd = sampleStd(d);
        final int df = n - 1;
        if (sd == 0) {
            return meanDiff == 0 ? new PairedTest(n, 0, 0, df, 1) : new PairedTest(n, meanDiff, Math.copySign(Double.POSITIVE_INFINITY, meanDiff), df, 0);
        }
        final double t = meanDiff / (sd / Math.sqrt(n));
        return new PairedTest(n, meanDiff, t, df, studentTwoSidedP(t, df));
    }

    /**
     * P(|T| ≥ |t|) for Student's t with {@code df} degrees of freedom. The tail of the t
     * distribution is an incomplete beta function: P(|T| ≥ |t|) = I_x(df/2, 1/2) with x = df / (df + t²).
     */
    public static double studentTwoSidedP(double t, double df) {
        if (Double.isInfinite(t)) return 0;
        return regularizedIncompleteBeta(df / 2, 0.5, df / (df + t * t));
    }

    /**
     * I_x(a, b) = B(x; a, b) / B(a, b), for a, b > 0 and 0 ≤ x ≤ 1. The continued fraction
     * converges fast for x < (a + 1) / (a + b + 2); above that, the symmetry
     * I_x(a, b) = 1 − I_{1−x}(b, a) brings x back into that range.
     */
    public static double regularizedIncompleteBeta(double a, double b, double x) {
        if (x < 0 || x > 1) throw new IllegalArgumentException("x must be in [0, 1], got " + x);
        if (x == 0 || x == 1) return x;
        // x^a (1−x)^b / B(a, b), the factor in front of the continued fraction, through logarithms to avoid overflow
        final double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(a, b, x) / a;
        return 1 - front * betaContinuedFraction(b, a, 1 - x) / b;
    }

    /**
     * The continued fraction 1/(1+ d₁/(1+ d₂/(1+ ...))) of the incomplete beta function, with
     * d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)),
     * evaluated by the modified Lentz method: each step multiplies the running value by the ratio
     * of successive convergents, and stops when that ratio is 1 to within double precision.
     */
    private static double betaContinuedFraction(double a, double b, double x) {
        final double tiny = 1e-300, eps = 1e-15;
        final int maxIterations = 10_000;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= maxIterations; m++) {
            final int m2 = 2 * m;
            // the even step d_{2m}
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            // the odd step d_{2m+1}
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            final double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < eps) return h;
        }
        throw new ArithmeticException("the incomplete beta continued fraction did not converge for a=" + a + ", b=" + b + ", x=" + x);
    }

    /**
     * ln Γ(x) for x > 0, by the Lanczos approximation with g = 7 and nine coefficients (relative
     * error about 1e-15), after the reflection-free shift Γ(x) = Γ(x + 1) / x for small x.
     */
    static double logGamma(double x) {
        if (x <= 0) throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
        if (x < 0.5) return logGamma(x + 1) - Math.log(x);
        final double[] coefficients = {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        final double z = x - 1;
        double sum = coefficients[0];
        for (int i = 1; i < coefficients.length; i++) sum += coefficients[i] / (z + i);
        final double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
