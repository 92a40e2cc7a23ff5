package sau.backend.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.ops.Softmax;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** Softmax and log-softmax on the GPU against the CPU, along every dimension, short and long rows. */
@Tag("cuda")
class CudaSoftmaxTest {

    private static final double TOL = 1e-5;
    private final Generator gen = new Generator(11);

    private void both(String name, Tensor x, int dim) {
        CudaParity.check("softmax " + name + " dim " + dim, TOL, t -> Softmax.softmax(t[0], dim), new Tensor[] {x});
        CudaParity.check("log-softmax " + name + " dim " + dim, TOL, t -> Softmax.logSoftmax(t[0], dim), new Tensor[] {x});
    }

    @Test
    void everyDimension() {
        final Tensor x = CudaParity.randn(gen, 3, 4, 5);
        for (int dim = -1; dim < 3; dim++) both("[3, 4, 5]", x, dim);
    }

    /** Rows longer than a warp's share (a block per row), and rows of one element. */
    @Test
    void longAndSingletonRows() {
        both("[6, 1500]", CudaParity.randn(gen, 6, 1500), 1);
        both("[7, 1]", CudaParity.randn(gen, 7, 1), 1);
        both("[9, 513]", CudaParity.randn(gen, 9, 513), -1);
    }

    /** Large logits (the maximum is subtracted) and masked entries (−∞, as attention masks have). */
    @Test
    void largeAndMaskedLogits() {
        final float[] v = CudaParity.randn(gen, 4, 40).toArray();
        for (int i = 0; i < v.length; i++) v[i] *= 50f;
        both("large", Tensor.of(v, 4, 40), 1);
        for (int i = 0; i < 40; i += 3) v[40 + i] = Float.NEGATIVE_INFINITY;
        CudaParity.check("softmax masked", TOL, t -> Softmax.softmax(t[0], 1), new Tensor[] {Tensor.of(v, 4, 40)});
    }
}
