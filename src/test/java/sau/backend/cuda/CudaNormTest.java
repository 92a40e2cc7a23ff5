package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.autograd.NoGrad;
import sau.backend.cpu.Activation;
import sau.nn.BatchNorm;
import sau.nn.BatchNorm1d;
import sau.nn.BatchNorm2d;
import sau.nn.activation.LeakyReLU;
import sau.nn.activation.ReLU;
import sau.ops.BatchNormOp;
import sau.ops.L2Normalize;
import sau.ops.LayerNormOp;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Batch norm (training and evaluation, with and without γ and β, 1-d and 2-d inputs, the
 * running statistics, the fused evaluation path), layer norm and L2 normalisation on the GPU
 * against the CPU.
 */
@Tag("cuda")
class CudaNormTest {

    private static final double TOL = 1e-5; // fp32 arithmetic; the sums differ only in order (the GPU's are in double)
    private static final float MOMENTUM = 0.1f, EPS = 1e-5f;
    private final Generator gen = new Generator(5);

    /** Positive variances, as a running variance is. */
    private Tensor variances(int channels) {
        final float[] v = Tensor.rand(gen, channels).toArray();
        for (int i = 0; i < v.length; i++) v[i] += 0.5f;
        return Tensor.of(v);
    }

    private void batchNormTraining(String name, int... shape) {
        final int c = shape[1];
        final Tensor x = CudaParity.randn(gen, shape), w = CudaParity.randn(gen, c), b = CudaParity.randn(gen, c);
        final Tensor rm = CudaParity.randn(gen, c), rv = variances(c);
        CudaParity.check(name + " train affine", TOL, t -> BatchNormOp.batchNorm(t[0], t[1], t[2], t[3], t[4], true, MOMENTUM, EPS),
            new Tensor[] {x, w, b, rm.detach(), rv.detach()}, false, false, false, true, true);
        CudaParity.check(name + " train plain", TOL, t -> BatchNormOp.batchNorm(t[0], null, null, null, null, true, MOMENTUM, EPS), new Tensor[] {x});
    }

    private void batchNormEval(String name, int... shape) {
        final int c = shape[1];
        final Tensor x = CudaParity.randn(gen, shape), w = CudaParity.randn(gen, c), b = CudaParity.randn(gen, c);
        final Tensor rm = CudaParity.randn(gen, c), rv = variances(c);
        CudaParity.check(name + " eval affine", TOL, t -> BatchNormOp.batchNorm(t[0], t[1], t[2], t[3], t[4], false, MOMENTUM, EPS),
            new Tensor[] {x, w, b, rm, rv}, false, false, false, true, true);
        CudaParity.check(name + " eval plain", TOL, t -> BatchNormOp.batchNorm(t[0], null, null, t[1], t[2], false, MOMENTUM, EPS),
            new Tensor[] {x, rm, rv}, false, true, true);
    }

    @Test
    void batchNorm2d() {
        batchNormTraining("bn2d", 4, 3, 5, 6);
        batchNormEval("bn2d", 4, 3, 5, 6);
    }

    @Test
    void batchNorm1d() {
        batchNormTraining("bn1d [N, C]", 16, 5);
        batchNormTraining("bn1d [N, C, L]", 3, 4, 7);
        batchNormEval("bn1d [N, C]", 16, 5);
        batchNormEval("bn1d [N, C, L]", 3, 4, 7);
    }

    /** Enough values per channel that a channel's sums are split over several blocks; a large mean tests the shift. */
    @Test
    void batchNormLargeChannelsAndLargeMean() {
        final Tensor x = CudaParity.randn(gen, 16, 3, 40, 40);
        final float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] * 0.5f + 100f;
        final Tensor shifted = Tensor.of(v, 16, 3, 40, 40), w = CudaParity.randn(gen, 3), b = CudaParity.randn(gen, 3);
        CudaParity.check("bn2d large", TOL, t -> BatchNormOp.batchNorm(t[0], t[1], t[2], null, null, true, MOMENTUM, EPS), new Tensor[] {shifted, w, b});
    }

    /** The running statistics move on the GPU as on the CPU (the variance unbiased). */
    @Test
    void runningStatisticsUpdate() {
        CudaParity.assumeGpu();
        final Tensor x = CudaParity.randn(gen, 8, 4, 6, 5);
        final Tensor rmCpu = CudaParity.randn(gen, 4), rvCpu = variances(4);
        final Tensor rmGpu = rmCpu.to(CudaParity.GPU), rvGpu = rvCpu.to(CudaParity.GPU);
        for (float momentum : new float[] {0.1f, 0.5f}) {
            BatchNormOp.batchNorm(x, null, null, rmCpu, rvCpu, true, momentum, EPS);
            BatchNormOp.batchNorm(x.to(CudaParity.GPU), null, null, rmGpu, rvGpu, true, momentum, EPS);
        }
        CudaParity.assertClose("running mean", rmCpu.toArray(), rmGpu.toArray(), 1e-6);
        CudaParity.assertClose("running var", rvCpu.toArray(), rvGpu.toArray(), 1e-6);
    }

    /** A module moved to the GPU: training steps (cumulative average) update its buffers there; evaluation fuses the activation. */
    @Test
    void moduleOnGpu() {
        CudaParity.assumeGpu();
        moduleOnGpu(new BatchNorm2d(3, EPS, null, true, true), new BatchNorm2d(3, EPS, null, true, true), 4, 3, 5, 5);
        moduleOnGpu(new BatchNorm1d(6), new BatchNorm1d(6), 10, 6);
    }

    private void moduleOnGpu(BatchNorm cpu, BatchNorm gpu, int... shape) {
        gpu.to(CudaParity.GPU);
        for (int step = 0; step < 3; step++) {
            final Tensor x = CudaParity.randn(gen, shape);
            CudaParity.assertClose("training output", cpu.forward(x).toArray(), gpu.forward(x.to(CudaParity.GPU)).toArray(), TOL);
        }
        assertEquals(CudaParity.GPU, gpu.runningMean().device());
        CudaParity.assertClose("running mean", cpu.runningMean().toArray(), gpu.runningMean().toArray(), 1e-6);
        CudaParity.assertClose("running var", cpu.runningVar().toArray(), gpu.runningVar().toArray(), 1e-6);
        assertEquals(cpu.numBatchesTracked().item(), gpu.numBatchesTracked().item());
        cpu.eval();
        gpu.eval();
        final Tensor x = CudaParity.randn(gen, shape);
        try (NoGrad scope = NoGrad.enter()) {
            CudaParity.assertClose("eval then ReLU", cpu.forwardThen(x, new ReLU()).toArray(), gpu.forwardThen(x.to(CudaParity.GPU), new ReLU()).toArray(), TOL);
            CudaParity.assertClose("eval then LeakyReLU", cpu.forwardThen(x, new LeakyReLU(0.2f)).toArray(),
                gpu.forwardThen(x.to(CudaParity.GPU), new LeakyReLU(0.2f)).toArray(), TOL);
        }
    }

    /** The fused evaluation op, with and without γ and β. */
    @Test
    void inferenceThenActivation() {
        CudaParity.assumeGpu();
        final Tensor x = CudaParity.randn(gen, 2, 4, 3, 3), w = CudaParity.randn(gen, 4), b = CudaParity.randn(gen, 4);
        final Tensor rm = CudaParity.randn(gen, 4), rv = variances(4);
        final sau.tensor.Device g = CudaParity.GPU;
        try (NoGrad scope = NoGrad.enter()) {
            for (Activation f : new Activation[] {Activation.RELU, Activation.SILU, Activation.TANH}) {
                CudaParity.assertClose("affine then " + f, BatchNormOp.inferenceThen(x, w, b, rm, rv, EPS, f, 0, 0).toArray(),
                    BatchNormOp.inferenceThen(x.to(g), w.to(g), b.to(g), rm.to(g), rv.to(g), EPS, f, 0, 0).toArray(), TOL);
                CudaParity.assertClose("plain then " + f, BatchNormOp.inferenceThen(x, null, null, rm, rv, EPS, f, 0, 0).toArray(),
                    BatchNormOp.inferenceThen(x.to(g), null, null, rm.to(g), rv.to(g), EPS, f, 0, 0).toArray(), TOL);
            }
        }
    }

    /** Short rows (a warp each) and long rows (a block each). */
    @Test
    void layerNorm() {
        for (int[] shape : new int[][] {{4, 7, 33}, {3, 700}, {5, 1}}) {
            final int n = shape[shape.length - 1];
            final Tensor x = CudaParity.randn(gen, shape), w = CudaParity.randn(gen, n), b = CudaParity.randn(gen, n);
            CudaParity.check("layer norm " + java.util.Arrays.toString(shape), TOL, t -> LayerNormOp.layerNorm(t[0], t[1], t[2], EPS), new Tensor[] {x, w, b});
        }
    }

    /** Across channels, with a position of zeros, whose divisor is clamped to ε. */
    @Test
    void l2Normalize() {
        final float[] v = CudaParity.randn(gen, 2, 5, 4, 3).toArray();
        for (int k = 0; k < 5; k++) v[k * 12 + 7] = 0f; // position (0, ·, 2, 1)
        CudaParity.check("L2 normalize", TOL, t -> L2Normalize.channels(t[0]), new Tensor[] {Tensor.of(v, 2, 5, 4, 3)});
    }
}
