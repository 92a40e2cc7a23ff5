package sau.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The statistics against values worked out by hand or taken from tables (SciPy agrees with every one). */
class StatsTest {

    @Test
    void meanAndSampleStd() {
        // Σx = 40, mean 5; Σ(x − 5)² = 9+1+1+1+0+0+4+16 = 32; sample variance 32/7
        final double[] x = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, Stats.mean(x), 1e-15);
        assertEquals(Math.sqrt(32.0 / 7), Stats.sampleStd(x), 1e-15);
        assertEquals(Double.NaN, Stats.sampleStd(new double[] {3}));
        final Stats.Summary s = Stats.Summary.of(new double[] {0.90, 0.92, 0.94});
        assertEquals(3, s.n());
        assertEquals(0.92, s.mean(), 1e-15);
        assertEquals(0.02, s.std(), 1e-15);
        assertEquals(0.90, s.min());
        assertEquals(0.94, s.max());
    }

    @Test
    void logGammaOfIntegersIsLogFactorial() {
        assertEquals(0.0, Stats.logGamma(1), 1e-14);
        assertEquals(Math.log(24), Stats.logGamma(5), 1e-13);
        assertEquals(Math.log(Math.sqrt(Math.PI)), Stats.logGamma(0.5), 1e-14);
        assertEquals(Math.log(362880), Stats.logGamma(10), 1e-12);
    }

    @Test
    void incompleteBetaAgainstClosedForms() {
        assertEquals(0.3, Stats.regularizedIncompleteBeta(1, 1, 0.3), 1e-14);            // uniform: I_x(1, 1) = x
        assertEquals(Math.pow(0.7, 2.5), Stats.regularizedIncompleteBeta(2.5, 1, 0.7), 1e-14); // I_x(a, 1) = x^a
        assertEquals(0.5, Stats.regularizedIncompleteBeta(3.5, 3.5, 0.5), 1e-14);        // symmetry
        // I_0.6(3, 4) = Σ_{j=3..6} C(6, j) 0.6^j 0.4^(6−j) = 0.8208
        assertEquals(0.8208, Stats.regularizedIncompleteBeta(3, 4, 0.6), 1e-13);
        assertEquals(0.018927124071945652, Stats.regularizedIncompleteBeta(2.5, 0.5, 0.3), 1e-13);
        assertEquals(0.0, Stats.regularizedIncompleteBeta(2, 3, 0));
        assertEquals(1.0, Stats.regularizedIncompleteBeta(2, 3, 1));
    }

    @Test
    void studentTwoSidedPValues() {
        assertEquals(0.11611652351681559, Stats.studentTwoSidedP(2.0, 4), 1e-12);
        assertEquals(0.05002277831997641, Stats.studentTwoSidedP(2.776, 4), 1e-12);   // the 5% critical value of df = 4
        assertEquals(0.11611652351681559, Stats.studentTwoSidedP(-2.0, 4), 1e-12);
        // df = 1 is the Cauchy distribution: P(|T| ≥ t) = 1 − (2/π) atan t
        assertEquals(1 - 2 / Math.PI * Math.atan(3), Stats.studentTwoSidedP(3, 1), 1e-13);
        // df = 2 has P(|T| ≥ t) = 1 − t / √(2 + t²)
        assertEquals(1 - 4 / Math.sqrt(18), Stats.studentTwoSidedP(4, 2), 1e-13);
        assertEquals(0.16450732644544018, Stats.studentTwoSidedP(1.5, 10), 1e-12);
        assertEquals(0.6207230048851273, Stats.studentTwoSidedP(0.5, 30), 1e-12);
        assertEquals(1.0, Stats.studentTwoSidedP(0, 5), 1e-15);
        // many degrees of freedom: the normal distribution's 1.96
        assertEquals(0.05, Stats.studentTwoSidedP(1.959964, 1e7), 1e-6);
    }

    @Test
    void pairedTTestByHand() {
        // d = (0.01, 0.02, 0.01): mean 0.04/3, sd = √((2·(1/300)² + (2/300)²)/2) = 1/(100√3), t = (0.04/3) / (1/300) = 4, df 2
        final Stats.PairedTest t = Stats.pairedTTest(new double[] {0.91, 0.92, 0.93}, new double[] {0.90, 0.90, 0.92});
        assertEquals(3, t.n());
        assertEquals(0.04 / 3, t.meanDiff(), 1e-12);
        assertEquals(4.0, t.t(), 1e-9);
        assertEquals(2, t.df());
        assertEquals(1 - 4 / Math.sqrt(18), t.p(), 1e-9);
    }

    @Test
    void pairedTTestWithoutSpread() {
        final Stats.PairedTest same = Stats.pairedTTest(new double[] {1, 2, 3}, new double[] {1, 2, 3});
        assertEquals(0.0, same.t());
        assertEquals(1.0, same.p());
        final Stats.PairedTest shifted = Stats.pairedTTest(new double[] {2, 3, 4}, new double[] {1, 2, 3});
        assertTrue(Double.isInfinite(shifted.t()) && shifted.t() > 0);
        assertEquals(0.0, shifted.p());
        assertThrows(IllegalArgumentException.class, () -> Stats.pairedTTest(new double[] {1}, new double[] {2}));
        assertThrows(IllegalArgumentException.class, () -> Stats.pairedTTest(new double[] {1, 2}, new double[] {2}));
    }

    @Test
    void winTieLossByOverlappingIntervals() {
        final Stats.Summary a = new Stats.Summary(3, 0.92, 0.01, 0, 1);
        assertEquals(WinTieLoss.TIE, WinTieLoss.of(a, new Stats.Summary(3, 0.905, 0.006, 0, 1)));   // 0.91 ≤ 0.911: overlap
        assertEquals(WinTieLoss.WIN, WinTieLoss.of(a, new Stats.Summary(3, 0.90, 0.005, 0, 1)));    // 0.91 > 0.905
        assertEquals(WinTieLoss.LOSS, WinTieLoss.of(a, new Stats.Summary(3, 0.95, 0.01, 0, 1)));    // 0.93 < 0.94
        assertEquals(WinTieLoss.TIE, WinTieLoss.of(a, new Stats.Summary(3, 0.94, 0.01, 0, 1)));     // touching intervals overlap
        // one run: the interval is the mean alone
        assertEquals(WinTieLoss.WIN, WinTieLoss.of(new Stats.Summary(1, 0.92, Double.NaN, 0, 1), new Stats.Summary(1, 0.91, Double.NaN, 0, 1)));
        assertEquals(WinTieLoss.TIE, WinTieLoss.of(new Stats.Summary(1, 0.92, Double.NaN, 0, 1), new Stats.Summary(1, 0.92, Double.NaN, 0, 1)));
    }
}
