package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class LinearTest {

    /** A 2 → 3 layer with W = [[1,2],[3,4],[5,6]] and b = [0.5, −1, 2]. */
    private static Linear handMade() {
        final Linear l = new Linear(2, 3, true, new Generator(0));
        l.weight().copyFrom(Tensor.of(new float[][] {{1, 2}, {3, 4}, {5, 6}}));
        l.bias().copyFrom(Tensor.of(0.5f, -1f, 2f));
        return l;
    }

    @Test
    void forwardIsXTimesWTransposedPlusB() {
        final Tensor y = handMade().forward(Tensor.of(new float[][] {{1, -1}, {2, 0.5f}}));
        assertArrayEquals(new int[] {2, 3}, y.shape());
        // row 0: [1−2+0.5, 3−4−1, 5−6+2]; row 1: [2+1+0.5, 6+2−1, 10+3+2]
        assertArrayEquals(new float[] {-0.5f, -2f, 1f, 3.5f, 7f, 15f}, y.toArray(), 1e-6f);
    }

    @Test
    void leadingDimensionsPassThrough() {
        final Linear l = handMade();
        final Tensor y = l.forward(Tensor.of(new float[] {1, -1, 2, 0.5f, 0, 0, 1, 1}, 2, 2, 2));
        assertArrayEquals(new int[] {2, 2, 3}, y.shape());
        assertArrayEquals(new float[] {-0.5f, -2f, 1f, 3.5f, 7f, 15f, 0.5f, -1f, 2f, 3.5f, 6f, 13f}, y.toArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.5f, -2f, 1f}, l.forward(Tensor.of(1f, -1f)).toArray(), 1e-6f);
    }

    @Test
    void gradientsWithBroadcastLeadingDimensions() {
        final Generator g = new Generator(11);
        final Linear l = new Linear(4, 5, true, g);
        final Tensor x = Tensor.randn(g, 2, 3, 4).requiresGrad(true);
        GradCheck.create().check(ts -> l.forward(ts[0]), x, l.weight(), l.bias());

        final Linear noBias = new Linear(4, 2, false, g);
        GradCheck.create().check(ts -> noBias.forward(ts[0]), x, noBias.weight());
    }

    @Test
    void parameterNamesShapesAndRepr() {
        final Linear l = new Linear(784, 512, true, new Generator(1));
        assertEquals(List.of("weight", "bias"), List.copyOf(l.namedParameters().keySet()));
        assertArrayEquals(new int[] {512, 784}, l.weight().shape());
        assertArrayEquals(new int[] {512}, l.bias().shape());
        assertEquals(784 * 512 + 512, l.numParameters());
        assertEquals("Linear(in_features=784, out_features=512, bias=True)", l.toString());

        final Linear noBias = new Linear(3, 2, false, new Generator(1));
        assertNull(noBias.bias());
        assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
        assertEquals("Linear(in_features=3, out_features=2, bias=False)", noBias.toString());
    }

    @Test
    void defaultInitIsUniformInPlusMinusOneOverSqrtIn() {
        final Linear l = new Linear(400, 300, true, new Generator(5));
        final double bound = 1 / Math.sqrt(400);
        for (Tensor t : List.of(l.weight(), l.bias())) {
            double max = 0, s2 = 0;
            for (float v : t.toArray()) {
                max = Math.max(max, Math.abs(v));
                s2 += (double) v * v;
            }
            assertTrue(max <= bound && max > 0.98 * bound, "max |w| = " + max + ", bound " + bound);
            if (t == l.weight()) assertEquals(bound / Math.sqrt(3), Math.sqrt(s2 / t.numel()), 0.01 * bound);
        }
    }
}
