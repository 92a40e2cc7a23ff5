package sau.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.backend.cpu.DropoutMask;
import sau.backend.cpu.Parallel;
import sau.ops.DropoutOp;
import sau.ops.Reductions;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class DropoutTest {

    @Test
    void dropsAboutPAndScalesTheRest() {
        final Dropout d = new Dropout(0.3f, new Generator(1));
        final float[] y = d.forward(Tensor.ones(100_000)).toArray();
        int dropped = 0;
        for (float v : y) {
            if (v == 0) dropped++;
            else assertEquals(1 / 0.7f, v, 0f);
        }
        assertEquals(0.3, dropped / 100_000.0, 0.005);
    }

    @Test
    void identityInEvalModeAndForPZero() {
        final Tensor x = Tensor.randn(new Generator(2), 4, 5);
        final Dropout d = new Dropout(0.5f, new Generator(3));
        d.eval();
        assertSame(x, d.forward(x));
        assertSame(x, new Dropout(0f, new Generator(3)).forward(x));
        assertArrayEquals(new float[20], new Dropout(1f, new Generator(3)).forward(x).toArray(), 0f); // -0 counts as 0
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f, new Generator(3)));
    }

    @Test
    void sameSeedSameMask() {
        final Tensor x = Tensor.ones(1000);
        final float[] a = new Dropout(0.5f, new Generator(9)).forward(x).toArray();
        final float[] b = new Dropout(0.5f, new Generator(9)).forward(x).toArray();
        assertArrayEquals(a, b);
    }

    /**
     * A mask long enough to be split over two threads is the one a loop of nextFloat() draws
     * would give, element for element, and leaves the generator where that loop would.
     */
    @Test
    void theMaskIsTheSequenceOfDrawsOnAnyNumberOfThreads() {
        final int saved = Parallel.threads();
        try {
            final int n = 200_003;
            final Generator sequential = new Generator(12);
            final float[] expected = new float[n];
            for (int i = 0; i < n; i++) expected[i] = sequential.nextFloat() >= 0.25f ? 1 / 0.75f : 0f;
            final long drawAfter = sequential.nextLong();
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                final Generator g = new Generator(12);
                assertArrayEquals(expected, DropoutMask.sample(n, 0.25f, g), 0f, threads + " threads");
                assertEquals(drawAfter, g.nextLong(), "the draw after the mask, on " + threads + " threads");
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void backwardUsesTheForwardMask() {
        final Tensor x = Tensor.randn(new Generator(4), 3, 4).requiresGrad(true);
        final Tensor y = new Dropout(0.5f, new Generator(5)).forward(x);
        Reductions.sum(y).backward();
        final float[] xv = x.toArray(), yv = y.toArray(), gv = x.grad().toArray();
        for (int i = 0; i < xv.length; i++) assertEquals(yv[i] / xv[i], gv[i], 1e-6f, "element " + i);
    }

    @Test
    void gradientCheckWithAFixedMask() {
        final Tensor mask = Tensor.of(new float[] {2, 0, 2, 2, 0, 0, 2, 0}, 2, 4);
        final Tensor x = Tensor.randn(new Generator(6), 2, 4).requiresGrad(true);
        GradCheck.create().check(ts -> DropoutOp.applyMask(ts[0], mask), x);
        assertArrayEquals(new float[] {2 * x.get(0, 0), 0, 2 * x.get(0, 2)}, java.util.Arrays.copyOf(DropoutOp.applyMask(x, mask).toArray(), 3));
    }

    @Test
    void repr() {
        assertEquals("Dropout(p=0.5, inplace=False)", new Dropout(0.5f, new Generator(0)).toString());
    }
}
