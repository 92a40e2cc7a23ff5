package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Sequential, Flatten and Identity. */
class ContainersTest {

    @Test
    void sequentialNamesChildrenByPosition() {
        final Generator g = new Generator(1);
        final Sequential s = new Sequential(new Linear(4, 3, g), new Identity()).add(new Linear(3, 2, false, g));
        assertEquals(3, s.size());
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), List.copyOf(s.namedParameters().keySet()));
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=4, out_features=3, bias=True)
                  (1): Identity()
                  (2): Linear(in_features=3, out_features=2, bias=False)
                )""", s.toString());
    }

    @Test
    void sequentialChainsForward() {
        final Linear a = new Linear(1, 2, new Generator(0));
        a.weight().copyFrom(Tensor.of(new float[] {2, -1}, 2, 1));
        a.bias().copyFrom(Tensor.of(1f, 0f));
        final Linear b = new Linear(2, 1, false, new Generator(0));
        b.weight().copyFrom(Tensor.of(new float[] {3, 4}, 1, 2));
        // x = 5: a gives [11, −5], b gives 3·11 + 4·(−5) = 13
        assertArrayEquals(new float[] {13f}, new Sequential(a, b).forward(Tensor.of(new float[] {5}, 1, 1)).toArray(), 1e-6f);

        final Tensor x = Tensor.randn(new Generator(2), 3, 1).requiresGrad(true);
        GradCheck.create().check(ts -> new Sequential(a, b).forward(ts[0]), x, a.weight(), a.bias(), b.weight());
    }

    @Test
    void flattenMergesTheGivenDimensions() {
        final Tensor x = Tensor.arange(24).requiresGrad(true);
        final Tensor x4 = sau.ops.Views.reshape(x, 2, 3, 2, 2);
        final Tensor y = new Flatten().forward(x4);
        assertArrayEquals(new int[] {2, 12}, y.shape());
        assertArrayEquals(x.toArray(), y.toArray());
        assertArrayEquals(new int[] {6, 2, 2}, new Flatten(0, 1).forward(x4).shape());
        assertArrayEquals(new int[] {2, 3, 4}, new Flatten(-2, -1).forward(x4).shape());
        assertEquals("Flatten(start_dim=1, end_dim=-1)", new Flatten().toString());

        final Tensor leaf = Tensor.randn(new Generator(3), 2, 3, 2);
        leaf.requiresGrad(true);
        GradCheck.create().check(ts -> new Flatten().forward(ts[0]), leaf);
    }

    @Test
    void identityReturnsItsInput() {
        final Tensor x = Tensor.ones(2);
        assertSame(x, new Identity().forward(x));
    }
}
