package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.ops.Losses;
import sau.ops.Losses.Reduction;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The losses on the GPU against the CPU: cross entropy (label smoothing, ignore_index, every
 * reduction, spatial targets, a large vocabulary, targets on either device), the negative
 * log-likelihood, and the losses built from elementwise ops.
 */
@Tag("cuda")
class CudaLossTest {

    private static final double TOL = 1e-5;
    private final Generator gen = new Generator(13);

    /** Class indices below {@code classes}, with {@code ignored} of them set to {@link Losses#IGNORE_INDEX}. */
    private Tensor targets(int n, int classes, int ignored, int... shape) {
        final float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = i < ignored ? Losses.IGNORE_INDEX : gen.nextInt(classes);
        return Tensor.of(t, shape.length == 0 ? new int[] {n} : shape);
    }

    @Test
    void crossEntropyEveryOption() {
        final Tensor logits = CudaParity.randn(gen, 7, 5), target = targets(7, 5, 2);
        for (Reduction r : Reduction.values()) {
            for (float smoothing : new float[] {0f, 0.1f}) {
                CudaParity.check("cross entropy " + r + " smoothing " + smoothing, TOL,
                    t -> Losses.crossEntropy(t[0], t[1], smoothing, Losses.IGNORE_INDEX, r), new Tensor[] {logits, target}, false, true);
            }
        }
        // a class index as ignore_index: that class's rows count for nothing
        CudaParity.check("cross entropy ignore class 2", TOL, t -> Losses.crossEntropy(t[0], t[1], 0.05f, 2, Reduction.MEAN),
            new Tensor[] {logits, targets(7, 5, 0)}, false, true);
    }

    /** The targets stay on the CPU while the logits are on the GPU. */
    @Test
    void crossEntropyTargetsOnCpu() {
        final Tensor logits = CudaParity.randn(gen, 6, 4), target = targets(6, 4, 1);
        CudaParity.check("cross entropy, CPU targets", TOL, t -> Losses.crossEntropy(t[0], target, 0.1f, Losses.IGNORE_INDEX, Reduction.MEAN), new Tensor[] {logits});
    }

    /** [N, C, H, W] logits with [N, H, W] targets, and a vocabulary long enough for a block per row. */
    @Test
    void crossEntropySpatialAndLargeVocabulary() {
        final Tensor spatial = CudaParity.randn(gen, 2, 3, 4, 5), spatialTarget = targets(40, 3, 5, 2, 4, 5);
        for (Reduction r : Reduction.values()) {
            CudaParity.check("cross entropy spatial " + r, TOL, t -> Losses.crossEntropy(t[0], t[1], 0.1f, Losses.IGNORE_INDEX, r),
                new Tensor[] {spatial, spatialTarget}, false, true);
        }
        CudaParity.check("cross entropy vocabulary 3000", TOL, t -> Losses.crossEntropy(t[0], t[1], 0.1f, Losses.IGNORE_INDEX, Reduction.MEAN),
            new Tensor[] {CudaParity.randn(gen, 5, 3000), targets(5, 3000, 1)}, false, true);
    }

    /** Every target ignored: the mean is NaN on both devices, as in PyTorch. */
    @Test
    void crossEntropyAllIgnored() {
        CudaParity.assumeGpu();
        final Tensor logits = CudaParity.randn(gen, 3, 4), target = targets(3, 4, 3);
        final float gpu = Losses.crossEntropy(logits.to(CudaParity.GPU), target, 0f, Losses.IGNORE_INDEX, Reduction.MEAN).item();
        assertTrue(Float.isNaN(gpu), "mean over no targets is NaN, got " + gpu);
    }

    @Test
    void nllLoss() {
        final Tensor logProbs = CudaParity.randn(gen, 8, 6), target = targets(8, 6, 3);
        for (Reduction r : Reduction.values()) {
            CudaParity.check("nll " + r, TOL, t -> Losses.nllLoss(t[0], t[1], Losses.IGNORE_INDEX, r), new Tensor[] {logProbs, target}, false, true);
        }
        CudaParity.check("nll, CPU targets", TOL, t -> Losses.nllLoss(t[0], target, Losses.IGNORE_INDEX, Reduction.SUM), new Tensor[] {logProbs});
    }

    /** The losses made of elementwise ops, over the GPU's elementwise kernels. */
    @Test
    void elementwiseLosses() {
        final Tensor x = CudaParity.randn(gen, 4, 6), y = CudaParity.randn(gen, 4, 6), labels = Tensor.rand(gen, 4, 6);
        for (Reduction r : Reduction.values()) {
            CudaParity.check("mse " + r, TOL, t -> Losses.mseLoss(t[0], t[1], r), new Tensor[] {x, y});
            CudaParity.check("smooth L1 " + r, TOL, t -> Losses.smoothL1Loss(t[0], t[1], 0.5f, r), new Tensor[] {x, y});
            CudaParity.check("bce with logits " + r, TOL, t -> Losses.bceWithLogits(t[0], t[1], r), new Tensor[] {x, labels}, false, true);
        }
    }
}
