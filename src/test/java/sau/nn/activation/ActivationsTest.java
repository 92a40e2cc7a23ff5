package sau.nn.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.nn.Module;
import sau.ops.Activations;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/** The activation ops and modules: values, gradients against finite differences, settings. */
class ActivationsTest {

    /**
     * A [3, 4, 5] input spread over [−8, 8] (beyond ReLU6's upper kink), with every value at
     * least 0.1 away from the kinks at 0 and 6, where finite differences straddle two slopes.
     */
    private static Tensor input(long seed) {
        final Tensor x = Tensor.randn(new Generator(seed), 3, 4, 5);
        final float[] d = x.data();
        for (int i = 0; i < d.length; i++) {
            float v = Math.max(-8f, Math.min(8f, 3f * d[i]));
            if (Math.abs(v) < 0.1f) v = v < 0 ? -0.1f - Math.abs(v) : 0.1f + v;
            if (Math.abs(v - 6f) < 0.1f) v = v < 6 ? 5.8f : 6.2f;
            d[i] = v;
        }
        return x.requiresGrad(true);
    }

    private record Case(String name, Function<Tensor, Tensor> op) {}

    private static final List<Case> CASES = List.of(
            new Case("relu", Activations::relu),
            new Case("leaky_relu", x -> Activations.leakyRelu(x, 0.1f)),
            new Case("elu", x -> Activations.elu(x, 1.3f)),
            new Case("softplus", x -> Activations.softplus(x, 1f, 20f)),
            new Case("softplus(beta=2)", x -> Activations.softplus(x, 2f, 20f)),
            new Case("silu", Activations::silu),
            new Case("gelu", Activations::gelu),
            new Case("gelu(tanh)", x -> Activations.gelu(x, "tanh")),
            new Case("relu6", Activations::relu6),
            new Case("mish", Activations::mish),
            new Case("tanh", Activations::tanh),
            new Case("sigmoid", Activations::sigmoid));

    @Test
    void everyActivationPassesTheGradientCheck() {
        for (Case c : CASES) {
            final Tensor x = input(c.name().hashCode());
            try {
                GradCheck.create().check(ts -> c.op().apply(ts[0]), x);
            } catch (AssertionError e) {
                throw new AssertionError(c.name() + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void nonContiguousInputsAndGradientsWork() {
        for (Case c : CASES) {
            final Tensor x = input(7);
            GradCheck.create().check(ts -> c.op().apply(Views.transpose(ts[0], 0, 2)), x);
        }
    }

    @Test
    void preluPerLayerPassesTheGradientCheckForInputAndSlope() {
        final Tensor w = Tensor.of(0.25f).requiresGrad(true);
        GradCheck.create().check(ts -> Activations.prelu(ts[0], ts[1]), input(1), w);
    }

    @Test
    void preluPerChannelPassesTheGradientCheckForInputAndSlopes() {
        final Tensor w = Tensor.of(0.1f, -0.2f, 0.3f, 0.4f).requiresGrad(true);
        GradCheck.create().check(ts -> Activations.prelu(ts[0], ts[1]), input(2), w);
        // a [batch, features] input: channels in dimension 1, nothing after them
        final Tensor x2 = Views.reshape(input(3).detach(), 15, 4).contiguousData().requiresGrad(true);
        GradCheck.create().check(ts -> Activations.prelu(ts[0], ts[1]), x2, w);
    }

    @Test
    void preluValuesAndWrongChannelCount() {
        final Tensor x = Tensor.of(new float[] {-1, 2, -3, 4}, 1, 2, 2);
        final Tensor y = Activations.prelu(x, Tensor.of(0.5f, 2f));
        assertArrayEquals(new float[] {-0.5f, 2, -6, 4}, y.toArray());
        final Exception e = assertThrows(IllegalArgumentException.class, () -> Activations.prelu(x, Tensor.of(1f, 2f, 3f)));
        assertEquals("prelu: 3 slopes need 3 channels in dimension 1 of the input, got shape [1, 2, 2]", e.getMessage());
    }

    @Test
    void modulesComputeTheirFunctionAndPrintTheirSettings() {
        final Tensor x = input(5).detach();
        final Object[][] table = {
            {new ReLU(), Activations.relu(x), "ReLU()"},
            {new LeakyReLU(), Activations.leakyRelu(x, 0.01f), "LeakyReLU(negative_slope=0.01)"},
            {new ELU(), Activations.elu(x, 1f), "ELU(alpha=1.0)"},
            {new Softplus(), Activations.softplus(x, 1f, 20f), "Softplus(beta=1.0, threshold=20.0)"},
            {new SiLU(), Activations.silu(x), "SiLU()"},
            {new GELU(), Activations.gelu(x), "GELU(approximate='none')"},
            {new GELU("tanh"), Activations.gelu(x, "tanh"), "GELU(approximate='tanh')"},
            {new ReLU6(), Activations.relu6(x), "ReLU6()"},
            {new Mish(), Activations.mish(x), "Mish()"},
            {new Tanh(), Activations.tanh(x), "Tanh()"},
            {new Sigmoid(), Activations.sigmoid(x), "Sigmoid()"},
            {new PReLU(), Activations.prelu(x, Tensor.of(0.25f)), "PReLU(num_parameters=1)"},
        };
        for (Object[] row : table) {
            final Module m = (Module) row[0];
            assertArrayEquals(((Tensor) row[1]).toArray(), m.forward(x).toArray(), row[2].toString());
            assertEquals(row[2], m.toString());
        }
    }

    @Test
    void preluModuleHasATrainableWeightNamedLikePyTorch() {
        final PReLU m = new PReLU(4, 0.1f);
        assertEquals(List.of("weight"), List.copyOf(m.namedParameters().keySet()));
        assertArrayEquals(new float[] {0.1f, 0.1f, 0.1f, 0.1f}, m.weight().toArray());
        final Tensor x = input(9).detach();
        m.forward(x).backward(Tensor.ones(3, 4, 5));
        float expected = 0;
        final float[] xs = x.toArray();
        for (int i = 0; i < xs.length; i++) if ((i / 5) % 4 == 2 && xs[i] < 0) expected += xs[i];
        assertEquals(expected, m.weight().grad().get(2), 1e-4f);
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new GELU("fast"));
        assertThrows(IllegalArgumentException.class, () -> new Softplus(0f, 20f));
        assertThrows(IllegalArgumentException.class, () -> new PReLU(0, 0.25f));
    }
}
