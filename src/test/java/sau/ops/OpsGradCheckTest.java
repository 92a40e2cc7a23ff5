package sau.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Every op's backward against central finite differences, on shapes that broadcast. */
class OpsGradCheckTest {

    private final Generator gen = new Generator(42);

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape).requiresGrad(true);
    }

    /** Values in [lo, hi), for functions defined only there (log, sqrt). */
    private Tensor uniform(float lo, float hi, int... shape) {
        final Tensor t = Tensor.rand(gen, shape);
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * d[i];
        return t.requiresGrad(true);
    }

    private static final GradCheck CHECK = GradCheck.create();

    @Test
    void arithmeticWithBroadcasting() {
        CHECK.check(t -> Arithmetic.add(t[0], t[1]), randn(2, 3, 4), randn(3, 1));
        CHECK.check(t -> Arithmetic.sub(t[0], t[1]), randn(4), randn(2, 3, 4));
        CHECK.check(t -> Arithmetic.mul(t[0], t[1]), randn(2, 1, 4), randn(3, 1));
        CHECK.check(t -> Arithmetic.div(t[0], t[1]), randn(2, 3), uniform(0.5f, 2f, 3));
        CHECK.check(t -> Arithmetic.pow(t[0], t[1]), uniform(0.5f, 2f, 2, 3), uniform(-1f, 2f, 1, 3));
        CHECK.check(t -> Arithmetic.pow(t[0], 3f), randn(5, 2));
        CHECK.check(t -> Arithmetic.neg(t[0]), randn(3, 2));
        CHECK.check(t -> Arithmetic.mul(t[0], 2.5f), randn(3, 2));
    }

    @Test
    void elementwiseMaximumAndMinimum() {
        // well separated values, so that a finite step never swaps which one is larger
        final Tensor a = Tensor.of(new float[] {1, -2, 3, 0.5f, -1, 2}, 2, 3).requiresGrad(true);
        final Tensor b = Tensor.of(new float[] {0, 1, -1}, 3).requiresGrad(true);
        CHECK.check(t -> Arithmetic.maximum(t[0], t[1]), a, b);
        CHECK.check(t -> Arithmetic.minimum(t[0], t[1]), a, b);
    }

    @Test
    void mathFunctions() {
        CHECK.check(t -> MathFunctions.exp(t[0]), randn(3, 4));
        CHECK.check(t -> MathFunctions.log(t[0]), uniform(0.5f, 3f, 3, 4));
        CHECK.check(t -> MathFunctions.sqrt(t[0]), uniform(0.5f, 3f, 3, 4));
        CHECK.check(t -> MathFunctions.rsqrt(t[0]), uniform(0.5f, 3f, 3, 4));
        CHECK.check(t -> MathFunctions.abs(t[0]), Tensor.of(-2f, -0.5f, 0.7f, 3f).requiresGrad(true));
        CHECK.check(t -> MathFunctions.tanh(t[0]), randn(3, 4));
        CHECK.check(t -> MathFunctions.sigmoid(t[0]), randn(3, 4));
        CHECK.check(t -> MathFunctions.erf(t[0]), randn(3, 4));
        CHECK.check(t -> MathFunctions.clamp(t[0], -0.5f, 0.5f), Tensor.of(-2f, -0.2f, 0.1f, 0.3f, 3f).requiresGrad(true));
    }

    @Test
    void reductions() {
        CHECK.check(t -> Reductions.sum(t[0]), randn(3, 4));
        CHECK.check(t -> Reductions.sum(t[0], new int[] {0, 2}, true), randn(2, 3, 4));
        CHECK.check(t -> Reductions.sum(t[0], 1, false), randn(2, 3, 4));
        CHECK.check(t -> Reductions.mean(t[0], new int[] {-1}, false), randn(2, 3, 4));
        CHECK.check(t -> Reductions.mean(t[0]), randn(5));
        CHECK.check(t -> Reductions.var(t[0], new int[] {0, 2}, 1, true), randn(3, 2, 4));
        CHECK.check(t -> Reductions.var(t[0], 1, false), randn(3, 5));
        CHECK.check(t -> Reductions.max(t[0], 1, true), randn(3, 5, 2));
        CHECK.check(t -> Reductions.max(t[0], 0, false), randn(4, 3));
    }

    @Test
    void matmulPlainBatchedBroadcastAndVectors() {
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(3, 4), randn(4, 5));
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(2, 3, 4), randn(4, 2));
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(2, 1, 3, 4), randn(3, 4, 2));
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(4), randn(4, 3));
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(3, 4), randn(4));
        CHECK.check(t -> MatMul.matmul(t[0], t[1]), randn(4), randn(4));
        CHECK.check(t -> MatMul.matmul(Views.transpose(t[0], 0, 1), Views.transpose(t[1], 0, 1)), randn(4, 3), randn(5, 4));
    }

    @Test
    void linearWithAndWithoutBiasOverLeadingDimensions() {
        CHECK.check(t -> LinearOp.linear(t[0], t[1], t[2]), randn(2, 3, 4), randn(5, 4), randn(5));
        CHECK.check(t -> LinearOp.linear(t[0], t[1], null), randn(3, 4), randn(2, 4));
        // against matmul with the transposed weight plus the bias
        final Tensor x = Tensor.randn(gen, 3, 4), w = Tensor.randn(gen, 5, 4), b = Tensor.randn(gen, 5);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                Arithmetic.add(MatMul.matmul(x, Views.transpose(w, 0, 1)), b).toArray(), LinearOp.linear(x, w, b).toArray(), 1e-5f);
    }

    @Test
    void viewsAndJoins() {
        CHECK.check(t -> Views.reshape(Views.permute(t[0], 2, 0, 1), 4, -1), randn(2, 3, 4));
        CHECK.check(t -> Views.narrow(t[0], 1, 1, 2), randn(2, 4, 3));
        CHECK.check(t -> Views.expand(t[0], 2, 3, 4), randn(3, 1));
        CHECK.check(t -> Views.squeeze(Views.unsqueeze(t[0], 1), 1), randn(3, 2));
        CHECK.check(t -> Views.flatten(t[0], 1, -1), randn(2, 3, 4));
        CHECK.check(t -> Joins.cat(List.of(t[0], t[1]), 1), randn(2, 3), randn(2, 5));
        CHECK.check(t -> Joins.stack(List.of(t[0], t[1]), 0), randn(2, 3), randn(2, 3));
        CHECK.check(t -> Arithmetic.mul(Joins.split(t[0], 2, 1).get(1), 3f), randn(2, 5));
        CHECK.check(t -> Joins.split(t[0], new int[] {1, 3}, 0).get(1), randn(4, 2));
        CHECK.check(t -> {
            final List<Tensor> p = Joins.split(t[0], new int[] {2, 1, 2}, 1);
            return Joins.cat(List.of(Arithmetic.mul(p.get(2), p.get(0)), Arithmetic.mul(p.get(1), 3f), p.get(2)), 1);
        }, randn(3, 5));
    }

    @Test
    void indexing() {
        CHECK.check(t -> Indexing.indexSelect(t[0], 1, Tensor.of(2f, 0f, 2f)), randn(2, 3, 4));
        final Tensor index = Tensor.of(new float[] {0, 2, 1, 1, 0, 0}, 2, 3);
        CHECK.check(t -> Indexing.gather(t[0], 1, index), randn(2, 4));
        CHECK.check(t -> Indexing.scatterAdd(t[0], 1, index, t[1]), randn(2, 4), randn(2, 3));
        final Tensor cond = Tensor.of(new float[] {1, 0, 1}, 3);
        CHECK.check(t -> Indexing.where(cond, t[0], t[1]), randn(2, 3), randn(2, 1));
        CHECK.check(t -> Indexing.maskedFill(t[0], cond, -5f), randn(2, 3));
    }

    @Test
    void softmaxAndLogSoftmaxOverAnyDimension() {
        CHECK.check(t -> Softmax.softmax(t[0], -1), randn(3, 5));
        CHECK.check(t -> Softmax.softmax(t[0], 0), randn(3, 5));
        CHECK.check(t -> Softmax.logSoftmax(t[0], 1), randn(2, 4, 3));
    }

    @Test
    void losses() {
        final Tensor target = Tensor.of(1f, 0f, 3f, 2f);
        CHECK.check(t -> Losses.crossEntropy(t[0], target), randn(4, 5));
        CHECK.check(t -> Losses.crossEntropy(t[0], target, 0.1f, Losses.IGNORE_INDEX, Losses.Reduction.SUM), randn(4, 5));
        CHECK.check(t -> Losses.crossEntropy(t[0], Tensor.of(1f, -100f, 3f, 2f), 0.2f, -100, Losses.Reduction.MEAN), randn(4, 5));
        CHECK.check(t -> Losses.crossEntropy(t[0], target, 0f, -100, Losses.Reduction.NONE), randn(4, 5));
        CHECK.check(t -> Losses.crossEntropy(t[0], Tensor.of(new float[] {0, 2, 1, 1, 0, 2}, 2, 3), 0f, -100, Losses.Reduction.MEAN), randn(2, 3, 3));
        CHECK.check(t -> Losses.nllLoss(Softmax.logSoftmax(t[0], 1), target, -100, Losses.Reduction.MEAN), randn(4, 5));
        CHECK.check(t -> Losses.mseLoss(t[0], t[1], Losses.Reduction.MEAN), randn(3, 4), randn(3, 4));
        CHECK.check(t -> Losses.smoothL1Loss(t[0], t[1], 1f, Losses.Reduction.SUM), Tensor.of(-3f, -0.4f, 0.3f, 2f).requiresGrad(true), Tensor.zeros(4));
        CHECK.check(t -> Losses.bceWithLogits(t[0], t[1], Losses.Reduction.MEAN), randn(3, 4), Tensor.rand(gen, 3, 4));
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        // an "op" whose backward claims d(2x)/dx = 1: the checker must notice
        final Tensor x = randn(3);
        assertThrows(AssertionError.class, () -> CHECK.check(t -> sau.autograd.Node.record("Wrong",
            sau.backend.cpu.Elementwise.binary(sau.backend.cpu.BinaryOp.MUL, t[0], Tensor.scalar(2f)),
            g -> new Tensor[] {g}, t[0]), x));
    }
}
