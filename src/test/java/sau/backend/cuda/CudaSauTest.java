package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.SauVariant;
import sau.ops.Reductions;
import sau.ops.SauOp;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The SAU op on the GPU against the CPU, for every variant: α per layer and per channel, 2-D and
 * 4-D inputs, both layouts of sau.cu (long runs per channel cut into chunks; short runs as columns),
 * aligned and unaligned data, n = 1.5 (every element on the full path with erf and the
 * exponential) and n = 20000 (the paper's value, inputs near 0 so that both the full and the
 * saturated path run), and the gradients of x, α and n.
 */
@Tag("cuda")
class CudaSauTest {

    private static final double TOL = 1e-5;
    /**
     * ∂L/∂α and ∂L/∂n under a random gradY are sums of thousands of terms of both signs that
     * cancel to a small fraction of their magnitudes, and the CPU kernel adds a task's terms in
     * float, the GPU in double: on these sizes the CPU's own rounding reaches 7e-5 of such a sum
     * (measured over 20 seeds against a sum in double). The same sums without cancellation are
     * checked at TOL.
     */
    private static final double TOL_CANCELLING_SUM = 1e-3;

    private final Generator gen = new Generator(11);

    /** Normal numbers times {@code scale}: 1.5 spreads x over the curve at n = 1.5; 5e-4 puts x where n·x ~ 1 at n = 20000. */
    private Tensor input(float scale, int... shape) {
        final Tensor t = CudaParity.randn(gen, shape);
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] *= scale;
        return t;
    }

    /** A different α per channel, all in (0, 1): then over x ≤ 0 every term of ∂α and of ∂n has one sign. */
    private static Tensor alphas(int channels) {
        final float[] a = new float[channels];
        for (int c = 0; c < channels; c++) a[c] = 0.15f + 0.6f * c / channels;
        return Tensor.of(a);
    }

    /**
     * Per variant and n: the output and ∂x; ∂α and ∂n of Σ G(x) over x ≤ 0, where every term of
     * each sum has the same sign; and ∂α and ∂n under a random gradY.
     */
    private void check(String name, int channels, int... shape) {
        for (SauVariant v : SauVariant.values()) {
            for (float n : new float[] {1.5f, 20000f}) {
                final String what = name + " " + v + " n=" + n;
                final Tensor x = input(n > 100 ? 5e-4f : 1.5f, shape);
                final Tensor alpha = alphas(channels);
                final Tensor nt = Tensor.of(n);
                CudaParity.check(what, TOL, t -> SauOp.sau(t[0], t[1], t[2], v), new Tensor[] {x, alpha, nt}, false, true, true);
                final float[] d = x.toArray();
                for (int i = 0; i < d.length; i++) d[i] = -Math.abs(d[i]);
                final Tensor negative = Tensor.of(d, shape);
                CudaParity.check(what + " Σ over x ≤ 0", TOL, t -> Reductions.sum(SauOp.sau(t[0], t[1], t[2], v)), new Tensor[] {negative, alpha, nt}, true);
                CudaParity.check(what + " ∂α ∂n", TOL_CANCELLING_SUM, t -> SauOp.sau(t[0], t[1], t[2], v), new Tensor[] {x, alpha, nt}, true);
            }
        }
    }

    @Test
    void perLayerFourDimensional() {
        check("per layer [4,3,40,40]", 1, 4, 3, 40, 40); // three chunks, the last one short
    }

    @Test
    void perLayerTwoDimensionalOddSize() {
        check("per layer [37,53]", 1, 37, 53); // 1961 elements: float4s and a tail of 1
    }

    @Test
    void perChannelLongRuns() {
        check("per channel [2,3,40,40]", 3, 2, 3, 40, 40); // runs of 1600: the segment layout
        check("per channel [3,6,33,35]", 6, 3, 6, 33, 35); // runs of 1155: odd, every other run unaligned
    }

    @Test
    void perChannelShortRuns() {
        check("per channel [4,5,7,7]", 5, 4, 5, 7, 7);     // runs of 49: the column layout
        check("per channel [64,33]", 33, 64, 33);          // a linear layer's features: runs of 1
    }

    @Test
    void perChannelManyRowChunks() {
        // 401408 elements: several rows per thread and 1024 row chunks of partial sums
        final Tensor x = input(1.5f, 2048, 4, 7, 7);
        CudaParity.check("per channel [2048,4,7,7]", TOL, t -> SauOp.sau(t[0], t[1], t[2], SauVariant.PAPER),
            new Tensor[] {x, alphas(4), Tensor.of(1.5f)}, false, false, true);
    }

    @Test
    void unalignedInput() {
        // x starts one float into its storage: the kernels cannot use float4 loads
        for (int channels : new int[] {1, 3}) {
            final Tensor x = input(1.5f, 1 + 2 * 3 * 40 * 40);
            CudaParity.check("unaligned, " + channels + " α", TOL,
                t -> SauOp.sau(Views.reshape(Views.narrow(t[0], 0, 1, 2 * 3 * 40 * 40), 2, 3, 40, 40), t[1], t[2], SauVariant.ZERO_CENTRED),
                new Tensor[] {x, alphas(channels), Tensor.of(2f)}, false, false, true);
        }
    }

    @Test
    void nanPropagates() {
        final Tensor x = input(1.5f, 3, 5, 4);
        x.data()[7] = Float.NaN;
        CudaParity.check("NaN", TOL, t -> SauOp.sau(t[0], t[1], t[2], SauVariant.PAPER), new Tensor[] {x, alphas(5), Tensor.of(1.5f)}, false, true, true);
    }

    @Test
    void gradientsAreTheSameBitsOnEveryRun() {
        CudaParity.assumeGpu();
        final Tensor x = input(1.5f, 8, 4, 33, 33).to(CudaParity.GPU);
        final float[][] first = sauGradients(x), second = sauGradients(x);
        for (int i = 0; i < first.length; i++) assertArrayEquals(first[i], second[i]);
    }

    /** ∂α and ∂n of Σ SAU(x), per channel. */
    private static float[][] sauGradients(Tensor x) {
        final Tensor alpha = alphas(4).to(CudaParity.GPU).requiresGrad(true);
        final Tensor n = Tensor.of(1.5f).to(CudaParity.GPU).requiresGrad(true);
        Reductions.sum(SauOp.sau(x, alpha, n, SauVariant.EXACT)).backward();
        return new float[][] {alpha.grad().toArray(), n.grad().toArray()};
    }
}
