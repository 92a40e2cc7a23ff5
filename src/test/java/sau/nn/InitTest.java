package sau.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.nn.Init.FanMode;
import sau.nn.Init.Fans;
import sau.nn.Init.Nonlinearity;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class InitTest {

    /** Mean, standard deviation, min and max of a tensor's elements. */
    private record Stats(double mean, double std, double min, double max) {
        static Stats of(Tensor t) {
            final float[] v = t.toArray();
            double s = 0, s2 = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (float x : v) {
                s += x;
                s2 += (double) x * x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            final double mean = s / v.length;
            return new Stats(mean, Math.sqrt(s2 / v.length - mean * mean), min, max);
        }
    }

    @Test
    void fansOfLinearAndConvolutionWeights() {
        assertEquals(new Fans(784, 512), Init.fans(512, 784));
        // conv weight [out, in, kh, kw]: the receptive field multiplies both fans
        assertEquals(new Fans(4 * 9, 8 * 9), Init.fans(8, 4, 3, 3));
        assertEquals(new Fans(3 * 5, 2 * 5), Init.fans(Tensor.zeros(2, 3, 5)));
        assertThrows(IllegalArgumentException.class, () -> Init.fans(7));
    }

    @Test
    void gainsMatchPyTorch() {
        assertEquals(1.0, Init.gain(Nonlinearity.LINEAR, 0));
        assertEquals(1.0, Init.gain(Nonlinearity.SIGMOID, 0));
        assertEquals(5.0 / 3, Init.gain(Nonlinearity.TANH, 0), 1e-15);
        assertEquals(Math.sqrt(2), Init.gain(Nonlinearity.RELU, 0), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.gain(Nonlinearity.LEAKY_RELU, 0.01), 1e-15);
        // Linear's default a = √5 gives gain √(1/3), hence the U(−1/√in, 1/√in) weights
        assertEquals(Math.sqrt(1.0 / 3), Init.gain(Nonlinearity.LEAKY_RELU, Math.sqrt(5)), 1e-15);
    }

    @Test
    void kaimingNormalHasStdGainOverSqrtFan() {
        final Tensor fanIn = Init.kaimingNormal(Tensor.zeros(256, 512), 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(1));
        final Stats a = Stats.of(fanIn);
        assertEquals(0, a.mean(), 1e-3);
        assertEquals(Math.sqrt(2.0 / 512), a.std(), 0.01 * Math.sqrt(2.0 / 512));

        final Tensor fanOut = Init.kaimingNormal(Tensor.zeros(64, 32, 3, 3), 0, FanMode.FAN_OUT, Nonlinearity.TANH, new Generator(2));
        final double expected = 5.0 / 3 / Math.sqrt(64 * 9);
        assertEquals(expected, Stats.of(fanOut).std(), 0.02 * expected);
    }

    @Test
    void kaimingUniformStaysWithinItsBound() {
        final Tensor t = Init.kaimingUniform(Tensor.zeros(300, 400), 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(3));
        final double bound = Math.sqrt(2) * Math.sqrt(3.0 / 400);
        final Stats s = Stats.of(t);
        assertTrue(s.min() >= -bound && s.max() < bound, s.toString());
        assertTrue(s.max() > 0.99 * bound && s.min() < -0.99 * bound, "the range should be filled: " + s);
        assertEquals(bound / Math.sqrt(3), s.std(), 0.01 * bound);
        assertEquals(0, s.mean(), 2e-3 * bound);
    }

    @Test
    void xavierUsesBothFans() {
        final Tensor n = Init.xavierNormal(Tensor.zeros(200, 600), 1.0, new Generator(4));
        final double std = Math.sqrt(2.0 / 800);
        assertEquals(std, Stats.of(n).std(), 0.01 * std);

        final Tensor u = Init.xavierUniform(Tensor.zeros(200, 600), 2.0, new Generator(5));
        final double bound = 2.0 * Math.sqrt(6.0 / 800);
        final Stats s = Stats.of(u);
        assertTrue(s.min() >= -bound && s.max() < bound);
        assertEquals(bound / Math.sqrt(3), s.std(), 0.01 * bound);
    }

    @Test
    void uniformNormalAndConstants() {
        final Stats u = Stats.of(Init.uniform(Tensor.zeros(100_000), 2, 5, new Generator(6)));
        assertEquals(3.5, u.mean(), 0.02);
        assertEquals(3 / Math.sqrt(12), u.std(), 0.01);
        assertTrue(u.min() >= 2 && u.max() < 5);

        final Stats n = Stats.of(Init.normal(Tensor.zeros(100_000), -1, 0.5, new Generator(7)));
        assertEquals(-1, n.mean(), 0.01);
        assertEquals(0.5, n.std(), 0.01);

        final Tensor t = Tensor.zeros(2, 3);
        assertSame(t, Init.constant(t, 0.25));
        assertEquals(0.25f, t.get(1, 2));
        assertEquals(1f, Init.ones(t).get(0, 0));
        assertEquals(0f, Init.zeros(t).get(1, 1));
    }

    @Test
    void sameSeedSameWeights() {
        final float[] a = Init.kaimingUniform(Tensor.zeros(5, 7), 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(42)).toArray();
        final float[] b = Init.kaimingUniform(Tensor.zeros(5, 7), 0, FanMode.FAN_IN, Nonlinearity.RELU, new Generator(42)).toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }
}
