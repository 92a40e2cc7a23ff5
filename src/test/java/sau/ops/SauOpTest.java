package sau.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.backend.cpu.SauVariant;
import sau.nn.Module;
import sau.nn.activation.ActivationFactory;
import sau.nn.activation.SAU;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The SAU op and module: gradients of x, α and n for every variant, per layer and per channel. */
class SauOpTest {

    private final Generator gen = new Generator(17);

    /** n near 1–2 so that finite differences in float32 resolve the curvature; x spread over [−3, 3]. */
    private Tensor input(int... shape) {
        final Tensor t = Tensor.randn(gen, shape);
        final float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] *= 1.5f;
        return t.requiresGrad(true);
    }

    @Test
    void gradientsOfXAlphaAndNForEveryVariantPerLayer() {
        for (SauVariant v : SauVariant.values()) {
            GradCheck.create().check(t -> SauOp.sau(t[0], t[1], t[2], v),
                    input(2, 3, 5), Tensor.of(0.15f).requiresGrad(true), Tensor.of(1.5f).requiresGrad(true));
        }
    }

    @Test
    void gradientsOfXAlphaAndNForEveryVariantPerChannel() {
        for (SauVariant v : SauVariant.values()) {
            GradCheck.create().check(t -> SauOp.sau(t[0], t[1], t[2], v),
                    input(2, 3, 4), Tensor.of(0.1f, 0.3f, -0.2f).requiresGrad(true), Tensor.of(2f).requiresGrad(true));
            // a linear layer's output: channels are features, no spatial dimensions
            GradCheck.create().check(t -> SauOp.sau(t[0], t[1], t[2], v),
                    input(4, 3), Tensor.of(0.1f, 0.3f, -0.2f).requiresGrad(true), Tensor.of(1f).requiresGrad(true));
        }
    }

    @Test
    void sauInsideAGraphThatBroadcasts() {
        // SAU of (x + bias) with a bias broadcast over the batch: gradients must sum back correctly
        GradCheck.create().check(t -> SauOp.sau(Arithmetic.add(t[0], t[1]), t[2], t[3], SauVariant.PAPER),
                input(3, 4), input(4), Tensor.of(0.2f).requiresGrad(true), Tensor.of(1.2f).requiresGrad(true));
    }

    @Test
    void matchesThePaperTableThroughTheModule() {
        final SAU sau = new SAU();
        final Tensor x = Tensor.of(1.0e-5f, -5.0e-5f).requiresGrad(true);
        final Tensor y = sau.forward(x);
        assertEquals(2.597584222901e-05, y.get(0), 2.6e-11);
        assertEquals(-2.144312066130e-06, y.get(1), 2.2e-12);
        Reductions.sum(y).backward();
        assertEquals(6.306394722040e-01 + 0, x.grad().get(0), 1e-6);
        assertEquals(3.211525745196e-01, x.grad().get(1), 1e-6);
        assertEquals(4.207402905609e-06 - 4.206723730343e-05, sau.alpha().grad().item(), 1e-10);
    }

    @Test
    void moduleKeepsFixedValuesAsBuffersAndTrainedOnesAsParameters() {
        final Module plain = ActivationFactory.create("sau");
        assertEquals(java.util.List.of("alpha"), java.util.List.copyOf(plain.namedParameters().keySet()));
        assertEquals(java.util.List.of("alpha", "n"), java.util.List.copyOf(plain.stateDict().keySet()));
        final SAU both = (SAU) ActivationFactory.create("sau(alpha=0.25, n=1, trainable_n=true, variant=exact, per_channel=4)");
        assertEquals(2, both.namedParameters().size());
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, both.alpha().toArray());
        assertEquals(1f, both.n().item());
        assertTrue(both.toString().contains("variant=exact"), both.toString());
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> both.forward(Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("4 channels"), e.getMessage());
    }
}
