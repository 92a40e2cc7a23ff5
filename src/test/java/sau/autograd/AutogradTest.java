package sau.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.ops.Arithmetic;
import sau.ops.Joins;
import sau.ops.MathFunctions;
import sau.ops.Reductions;
import sau.tensor.Tensor;

class AutogradTest {

    @Test
    void chainRuleThroughSharedSubexpressions() {
        // y = x·x + 3x, used twice: L = Σ(y + y) ⇒ dL/dx = 2(2x + 3)
        final Tensor x = Tensor.of(1f, 2f, -1f).requiresGrad(true);
        final Tensor y = Arithmetic.add(Arithmetic.mul(x, x), Arithmetic.mul(x, 3f));
        Reductions.sum(Arithmetic.add(y, y)).backward();
        assertArrayEquals(new float[] {10, 14, 2}, x.grad().toArray());
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        final Tensor x = Tensor.of(2f).requiresGrad(true);
        Reductions.sum(Arithmetic.mul(x, x)).backward();
        Reductions.sum(Arithmetic.mul(x, x)).backward();
        assertEquals(8f, x.grad().item());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void aZeroedGradientsMemoryTakesTheNextOne() {
        // A training loop zeroes and recomputes every gradient at every step: the new gradient is
        // written into the old one's array instead of a new one, and holds only the new values.
        final Tensor x = Tensor.of(2f, 3f).requiresGrad(true);
        Reductions.sum(Arithmetic.mul(x, x)).backward();
        final float[] memory = x.grad().data();
        x.zeroGrad();
        Reductions.sum(Arithmetic.mul(x, Tensor.of(5f, 7f))).backward();
        assertSame(memory, x.grad().data());
        assertArrayEquals(new float[] {5f, 7f}, x.grad().toArray());
        // A gradient set by hand with another shape is not written into.
        x.setGrad(Tensor.of(1f, 2f, 3f));
        x.zeroGrad();
        Reductions.sum(Arithmetic.mul(x, Tensor.of(5f, 7f))).backward();
        assertArrayEquals(new int[] {2}, x.grad().shape());
        assertArrayEquals(new float[] {5f, 7f}, x.grad().toArray());
    }

    @Test
    void noGradScopeAndDetachRecordNothing() {
        final Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        try (NoGrad scope = NoGrad.enter()) {
            assertFalse(NoGrad.gradEnabled());
            assertFalse(MathFunctions.exp(x).requiresGrad());
        }
        assertTrue(NoGrad.gradEnabled());
        assertFalse(MathFunctions.exp(x.detach()).requiresGrad());
        assertTrue(MathFunctions.exp(x).requiresGrad());
    }

    @Test
    void requiresGradPropagatesOnlyFromInputsThatNeedIt() {
        final Tensor a = Tensor.of(1f, 2f);
        final Tensor b = Tensor.of(3f, 4f).requiresGrad(true);
        assertFalse(Arithmetic.mul(a, a).requiresGrad());
        final Tensor c = Arithmetic.mul(a, b);
        assertTrue(c.requiresGrad());
        Reductions.sum(c).backward();
        assertNull(a.grad());
        assertArrayEquals(new float[] {1, 2}, b.grad().toArray());
    }

    @Test
    void savedValuesAreReleasedAfterBackward() {
        final Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        final Tensor loss = Reductions.sum(MathFunctions.exp(x));
        loss.backward();
        final IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void backwardNeedsAScalarOrAGradient() {
        final Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        assertThrows(IllegalStateException.class, () -> MathFunctions.exp(x).backward());
        MathFunctions.exp(x).backward(Tensor.of(1f, 0f));
        assertEquals((float) Math.E, x.grad().get(0), 1e-6f);
        assertEquals(0f, x.grad().get(1));
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        final Tensor x = Tensor.of(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = Arithmetic.add(y, 0f);
        Reductions.sum(y).backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void anOpWithSeveralOutputsRunsItsBackwardOnceWithAllTheirGradients() {
        // x = [1, 2, 3, 4] split into a = [1, 2], b = [3, 4] (one node, two outputs);
        // L = Σ(a·a) + Σ(3b) + Σ(b) ⇒ dL/dx = [2, 4, 4, 4]
        final Tensor x = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        final List<Tensor> ab = Joins.split(x, 2, 0);
        final Tensor a = ab.get(0), b = ab.get(1);
        assertTrue(a.gradFn() == b.gradFn(), "both pieces come from the same node");
        assertEquals(0, a.outputIndex());
        assertEquals(1, b.outputIndex());
        final Tensor loss = Arithmetic.add(Arithmetic.add(Reductions.sum(Arithmetic.mul(a, a)), Reductions.sum(Arithmetic.mul(b, 3f))), Reductions.sum(b));
        loss.backward();
        assertArrayEquals(new float[] {2, 4, 4, 4}, x.grad().toArray());

        // an output no gradient reaches contributes zeros
        final Tensor z = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        Reductions.sum(Arithmetic.mul(Joins.split(z, 2, 0).get(1), 5f)).backward();
        assertArrayEquals(new float[] {0, 0, 5, 5}, z.grad().toArray());
    }
}
