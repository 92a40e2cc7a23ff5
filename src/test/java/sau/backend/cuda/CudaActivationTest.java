package sau.backend.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.backend.cpu.Activation;
import sau.backend.cpu.ActivationKernels;
import sau.ops.Activations;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Every activation and PReLU on the GPU against the CPU: values and gradients over normal inputs
 * mixed with the edge cases (0, the kinks, tiny and huge values of both signs, NaN), aligned and
 * unaligned, and the in-place forward that batch norm's evaluation path uses.
 */
@Tag("cuda")
class CudaActivationTest {

    private static final double TOL = 1e-5;
    private static final float[] EDGES = {0f, -0f, 1e-6f, -1e-6f, 6f, -6f, 20f, -20f, 30f, -30f, 88f, -88f, 100f, -100f, 1e4f, -1e4f, Float.NaN};

    private final Generator gen = new Generator(5);

    /** N(0, 3²) numbers (4099 of them: float4s and a tail) with EDGES spread among them. */
    private Tensor input(int size) {
        final Tensor t = CudaParity.randn(gen, size);
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] *= 3f;
        for (int e = 0; e < EDGES.length; e++) d[(e * 241 + 5) % size] = EDGES[e];
        return t;
    }

    /** Each activation with the parameters that change its shape: PyTorch's defaults and one more. */
    private static float[][] parameters(Activation f) {
        return switch (f) {
            case LEAKY_RELU -> new float[][] {{0.01f, 0}, {0.2f, 0}};
            case ELU -> new float[][] {{1f, 0}, {0.5f, 0}};
            case SOFTPLUS -> new float[][] {{1f, 20f}, {2f, 5f}};
            default -> new float[][] {{0, 0}};
        };
    }

    @Test
    void everyActivationWithEdgeInputs() {
        final Tensor x = input(4099);
        for (Activation f : Activation.values()) {
            for (float[] pq : parameters(f)) {
                CudaParity.check(f + " " + pq[0] + " " + pq[1], TOL, t -> Activations.apply(f, t[0], pq[0], pq[1]), new Tensor[] {x});
            }
        }
    }

    @Test
    void everyActivationUnaligned() {
        // the data starts one float into its storage: no float4 loads
        final Tensor x = input(1 + 4 * 257);
        for (Activation f : Activation.values()) {
            final float[] pq = parameters(f)[0];
            CudaParity.check(f + " unaligned", TOL, t -> Activations.apply(f, Views.reshape(Views.narrow(t[0], 0, 1, 4 * 257), 4, 257), pq[0], pq[1]),
                new Tensor[] {x});
        }
    }

    @Test
    void inPlaceForward() {
        CudaParity.assumeGpu();
        final Tensor x = input(4099);
        for (Activation f : Activation.values()) {
            final float[] pq = parameters(f)[0];
            final Tensor y = x.to(CudaParity.GPU);
            CudaActivation.forward(f, y, y, pq[0], pq[1]);
            CudaParity.assertClose(f + " in place", ActivationKernels.forwardReference(f, x.data(), pq[0], pq[1]), y.toArray(), TOL);
        }
    }

    @Test
    void preluPerLayerAndPerChannel() {
        prelu("one slope [4,3,40,40]", 1, 4, 3, 40, 40);      // one segment of three chunks
        prelu("per channel [2,3,40,40]", 3, 2, 3, 40, 40);    // long runs: the segment layout
        prelu("per channel [4,5,7,7]", 5, 4, 5, 7, 7);        // short runs: the column layout
        prelu("per channel [64,33]", 33, 64, 33);             // features of a linear layer
        prelu("per channel [33]", 33, 33);                    // a 1-d input: channels in dimension 0
    }

    /** PReLU of normal inputs with zeros and a NaN among them, and slopes that differ per channel. */
    private void prelu(String name, int channels, int... shape) {
        final Tensor x = CudaParity.randn(gen, shape);
        final float[] d = x.data();
        for (int i = 0; i < d.length; i += 17) d[i] = 0f;
        d[d.length / 2] = Float.NaN;
        final float[] w = new float[channels];
        for (int c = 0; c < channels; c++) w[c] = 0.25f - 0.05f * c;
        CudaParity.check("PReLU " + name, TOL, t -> Activations.prelu(t[0], t[1]), new Tensor[] {x, Tensor.of(w)});
    }
}
