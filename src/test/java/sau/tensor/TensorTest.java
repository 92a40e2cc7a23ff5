package sau.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.ops.Views;

class TensorTest {

    @Test
    void creation() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new float[] {7, 7}, Tensor.full(7f, 2).toArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5f).toArray());
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.arange(3).toArray());
        assertEquals(3f, Tensor.of(new float[][] {{1, 2}, {3, 4}}).get(1, 0));
        assertEquals(1, Tensor.scalar(5f).numel());
        assertThrows(IllegalArgumentException.class, () -> new Tensor(new float[5], 2, 3));
    }

    @Test
    void seededRandomNumbersRepeat() {
        assertArrayEquals(Tensor.randn(new Generator(3), 100).toArray(), Tensor.randn(new Generator(3), 100).toArray());
        final float[] r = Tensor.rand(new Generator(4), 100_000).toArray();
        double mean = 0;
        for (float v : r) {
            assertTrue(v >= 0 && v < 1);
            mean += v / r.length;
        }
        assertEquals(0.5, mean, 0.01);
        final float[] n = Tensor.randn(new Generator(5), 100_000).toArray();
        double m = 0, sq = 0;
        for (float v : n) {
            m += v / n.length;
            sq += (double) v * v / n.length;
        }
        assertEquals(0, m, 0.02);
        assertEquals(1, sq - m * m, 0.02);
    }

    @Test
    void generatorStateRestoresTheSequence() {
        final Generator g = new Generator(9);
        g.nextGaussian(); // leaves a spare normal in the state
        final Generator.State s = g.state();
        final double a = g.nextGaussian(), b = g.nextGaussian();
        g.restore(s);
        assertEquals(a, g.nextGaussian());
        assertEquals(b, g.nextGaussian());
    }

    @Test
    void viewsShareStorage() {
        final Tensor x = Tensor.arange(24).detach();
        final Tensor v = Views.reshape(x, 2, 3, 4);
        assertSame(x.data(), v.data());
        final Tensor t = Views.transpose(v, 0, 2);
        assertArrayEquals(new int[] {4, 3, 2}, t.shape());
        assertFalse(t.isContiguous());
        assertEquals(v.get(1, 2, 3), t.get(3, 2, 1));
        final Tensor n = Views.narrow(v, 2, 1, 2);
        assertArrayEquals(new float[] {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, n.toArray());
        final Tensor e = Views.expand(Tensor.of(1f, 2f), 3, 2);
        assertArrayEquals(new int[] {0, 1}, e.strides());
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, e.toArray());
        assertArrayEquals(new int[] {2, 1, 3, 4}, Views.unsqueeze(v, 1).shape());
        // reshape of a non-contiguous tensor copies
        final Tensor r = Views.reshape(t, 24);
        assertEquals(t.get(1, 0, 0), r.get(6));
        v.set(100f, 0, 0, 1);
        assertEquals(100f, x.get(1));
    }

    @Test
    void copyOfStridedViewsMatchesElementByElement() {
        final Tensor x = Tensor.randn(new Generator(11), 2, 6, 3, 4);
        // a channel shuffle: [2, 2, 3, 3, 4] with dims 1 and 2 swapped; the last two stay one run
        final Tensor shuffled = Views.transpose(Views.reshape(x, 2, 2, 3, 3, 4), 1, 2);
        final Tensor t = Views.permute(x, 0, 2, 3, 1); // innermost stride 12: no run at all
        final Tensor sliced = Views.narrow(Views.narrow(x, 3, 1, 2), 1, 2, 3);
        final Tensor broadcast = Views.expand(Tensor.of(1f, 2f, 3f), 4, 3);
        for (Tensor v : new Tensor[] {shuffled, t, sliced, broadcast}) {
            final float[] copy = v.toArray();
            final int[] shape = v.shape();
            final int[] idx = new int[shape.length];
            for (int i = 0; i < copy.length; i++) {
                assertEquals(v.get(idx), copy[i], "element " + i + " of " + v);
                for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
            }
        }
    }

    @Test
    void toStringSummarises() {
        final String s = Tensor.of(1f, 2f, 3f).toString();
        assertTrue(s.contains("shape=[3]") && s.contains("mean=2.000"), s);
    }

    @Test
    void errorsNameTheShapes() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.broadcast(new int[] {2, 3}, new int[] {4}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        final IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> Views.reshape(Tensor.zeros(6), 4, -1));
        assertTrue(r.getMessage().contains("[6]"), r.getMessage());
    }
}
