package sau.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Forward values of the ops, against numbers worked out by hand. */
class OpsValuesTest {

    @Test
    void matmulAgainstHandValues() {
        final Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        final Tensor b = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        assertArrayEquals(new float[] {4, 5, 10, 11}, MatMul.matmul(a, b).toArray());
        assertArrayEquals(new float[] {14, 32}, MatMul.matmul(a, Tensor.of(1f, 2f, 3f)).toArray());
        assertEquals(14f, MatMul.matmul(Tensor.of(1f, 2f, 3f), Tensor.of(1f, 2f, 3f)).item());
        // batch broadcast: [2,2,3] @ [3,2]
        final Tensor batch = Joins.stack(List.of(a, Arithmetic.mul(a, 2f)), 0);
        assertArrayEquals(new float[] {4, 5, 10, 11, 8, 10, 20, 22}, MatMul.matmul(batch, b).toArray());
        assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(a, a));
    }

    @Test
    void matmulOfStridedViewsEqualsContiguous() {
        final Generator g = new Generator(1);
        final Tensor a = Tensor.randn(g, 40, 70), b = Tensor.randn(g, 90, 70);
        final Tensor viaView = MatMul.matmul(a, Views.transpose(b, 0, 1));
        final Tensor viaCopy = MatMul.matmul(a, Views.transpose(b, 0, 1).contiguousData());
        assertArrayEquals(viaCopy.toArray(), viaView.toArray(), 1e-4f);
    }

    @Test
    void reductionValues() {
        final Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 9}});
        assertEquals(24f, Reductions.sum(x).item());
        assertArrayEquals(new float[] {2, 6}, Reductions.mean(x, 1, false).toArray());
        assertArrayEquals(new int[] {2, 1}, Reductions.mean(x, 1, true).shape());
        assertArrayEquals(new float[] {1, 7}, Reductions.var(x, 1, false).toArray(), 1e-6f);
        assertArrayEquals(new float[] {2f / 3, 14f / 3}, Reductions.var(x, new int[] {1}, 0, false).toArray(), 1e-6f);
        assertArrayEquals(new float[] {3, 9}, Reductions.max(x, 1, false).toArray());
        assertArrayEquals(new float[] {2, 2}, Reductions.argmax(x, 1, false).toArray());
    }

    @Test
    void crossEntropyAgainstHandValues() {
        // logits [0, ln 3] ⇒ p = [1/4, 3/4]; target 1 ⇒ −ln(3/4)
        final Tensor logits = Tensor.of(new float[] {0, (float) Math.log(3)}, 1, 2);
        assertEquals(-Math.log(0.75), Losses.crossEntropy(logits, Tensor.of(1f)).item(), 1e-6);
        // label smoothing 0.2 over 2 classes ⇒ q = [0.1, 0.9]
        final double smoothed = -(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75));
        assertEquals(smoothed, Losses.crossEntropy(logits, Tensor.of(1f), 0.2f, -100, Losses.Reduction.MEAN).item(), 1e-6);
        // the ignored row counts neither in the sum nor in the mean's denominator
        final Tensor two = Tensor.of(new float[] {0, (float) Math.log(3), 5, -5}, 2, 2);
        assertEquals(-Math.log(0.75), Losses.crossEntropy(two, Tensor.of(1f, -100f)).item(), 1e-6);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.of(2f)));
        assertTrue(e.getMessage().contains("[0, 2)"), e.getMessage());
    }

    @Test
    void otherLossValues() {
        final Tensor x = Tensor.of(0f, 2f), y = Tensor.of(1f, 0f);
        assertEquals(2.5f, Losses.mseLoss(x, y, Losses.Reduction.MEAN).item(), 1e-6f);
        // |d| = 1 (not < β=1): 1 − 0.5; |d| = 2: 2 − 0.5
        assertEquals(2f, Losses.smoothL1Loss(x, y, 1f, Losses.Reduction.SUM).item(), 1e-6f);
        assertEquals(0.125f, Losses.smoothL1Loss(Tensor.of(0.5f), Tensor.of(0f), 1f, Losses.Reduction.MEAN).item(), 1e-6f);
        // BCE(σ(0), 1) = ln 2; huge logits stay finite
        assertEquals(Math.log(2), Losses.bceWithLogits(Tensor.of(0f), Tensor.of(1f), Losses.Reduction.MEAN).item(), 1e-6);
        assertEquals(100f, Losses.bceWithLogits(Tensor.of(-100f), Tensor.of(1f), Losses.Reduction.MEAN).item(), 1e-3f);
        final Tensor logp = Softmax.logSoftmax(Tensor.of(new float[] {0, (float) Math.log(3)}, 1, 2), 1);
        assertEquals(-Math.log(0.25), Losses.nllLoss(logp, Tensor.of(0f), -100, Losses.Reduction.MEAN).item(), 1e-6);
    }

    @Test
    void softmaxRowsSumToOne() {
        final Tensor s = Softmax.softmax(Tensor.randn(new Generator(2), 3, 4, 5), 1);
        final Tensor sums = Reductions.sum(s, 1, false);
        for (float v : sums.toArray()) assertEquals(1f, v, 1e-6f);
    }

    @Test
    void indexingValues() {
        final Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new float[] {3, 1, 6, 4}, Indexing.indexSelect(x, 1, Tensor.of(2f, 0f)).toArray());
        assertArrayEquals(new float[] {2, 4}, Indexing.gather(x, 1, Tensor.of(new float[] {1, 0}, 2, 1)).toArray());
        assertArrayEquals(new float[] {1, 0, 3, 0, 0, 6}, Indexing.maskedFill(x, Tensor.of(new float[][] {{0, 1, 0}, {1, 1, 0}}), 0f).toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(x, 0, Tensor.of(2f)));
        final List<Tensor> parts = Joins.split(x, 2, 1);
        assertEquals(2, parts.size());
        assertArrayEquals(new float[] {3, 6}, parts.get(1).toArray());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}, Joins.cat(List.of(x, x), 0).toArray());
    }

    @Test
    void elementwiseComparisonsAndClamp() {
        final Tensor x = Tensor.of(-2f, 0.5f, 3f);
        assertArrayEquals(new float[] {0, 1, 1}, Arithmetic.gt(x, 0f).toArray());
        assertArrayEquals(new float[] {-1, 0.5f, 1}, MathFunctions.clamp(x, -1, 1).toArray());
        assertArrayEquals(new float[] {4, 0.25f, 9}, Arithmetic.pow(x, 2f).toArray(), 1e-6f);
    }
}
