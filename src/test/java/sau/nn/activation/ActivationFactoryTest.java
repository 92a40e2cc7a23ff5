package sau.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.nn.Module;

class ActivationFactoryTest {

    private static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> ActivationFactory.create(spec)).getMessage();
    }

    @Test
    void buildsEachActivationWithItsSettings() {
        assertInstanceOf(ReLU.class, ActivationFactory.create("relu"));
        assertInstanceOf(ReLU.class, ActivationFactory.create("  ReLU  "));
        assertEquals(0.01f, ((LeakyReLU) ActivationFactory.create("leaky_relu")).negativeSlope());
        assertEquals(0.1f, ((LeakyReLU) ActivationFactory.create("leaky_relu(0.1)")).negativeSlope());
        assertEquals(0.1f, ((LeakyReLU) ActivationFactory.create("leaky_relu(negative_slope=0.1)")).negativeSlope());
        assertEquals(0.2f, ((ELU) ActivationFactory.create("elu(alpha = 0.2)")).alpha());
        assertEquals(1.0f, ((ELU) ActivationFactory.create("elu")).alpha());
        final Softplus sp = (Softplus) ActivationFactory.create("softplus(beta=2, threshold=15)");
        assertEquals(2f, sp.beta());
        assertEquals(15f, sp.threshold());
        assertInstanceOf(SiLU.class, ActivationFactory.create("swish"));
        assertInstanceOf(SiLU.class, ActivationFactory.create("silu()"));
        assertEquals("none", ((GELU) ActivationFactory.create("gelu")).approximate());
        assertEquals("tanh", ((GELU) ActivationFactory.create("gelu(approximate=tanh)")).approximate());
        assertEquals("tanh", ((GELU) ActivationFactory.create("gelu(approximate='tanh')")).approximate());
        assertInstanceOf(ReLU6.class, ActivationFactory.create("relu6"));
        assertInstanceOf(Mish.class, ActivationFactory.create("mish"));
        assertInstanceOf(Tanh.class, ActivationFactory.create("tanh"));
        assertInstanceOf(Sigmoid.class, ActivationFactory.create("sigmoid"));
    }

    @Test
    void buildsPreluWithItsWeight() {
        final PReLU one = (PReLU) ActivationFactory.create("prelu");
        assertEquals(1, one.weight().numel());
        assertEquals(0.25f, one.weight().get(0));
        final PReLU many = (PReLU) ActivationFactory.create("prelu(num_parameters=64, init=0.1)");
        assertEquals(64, many.weight().numel());
        assertEquals(0.1f, many.weight().get(63));
        assertEquals(8, ((PReLU) ActivationFactory.create("prelu(8)")).weight().numel());
    }

    @Test
    void unknownNameListsTheActivations() {
        final String msg = error("relu7");
        assertTrue(msg.startsWith("unknown activation 'relu7'; valid activations: "), msg);
        for (String name : List.of("relu", "leaky_relu", "prelu", "elu", "softplus", "silu", "swish", "gelu", "relu6", "mish", "tanh", "sigmoid")) {
            assertTrue(msg.contains(name), name + " missing from: " + msg);
        }
    }

    @Test
    void unknownParameterListsTheValidOnes() {
        assertEquals("leaky_relu has no parameter 'slope'; valid parameters: negative_slope", error("leaky_relu(slope=0.1)"));
        assertEquals("softplus has no parameter 'alpha'; valid parameters: beta, threshold", error("softplus(alpha=1)"));
        assertEquals("relu has no parameter 'inplace'; it takes no parameters", error("relu(inplace=true)"));
        assertEquals("softplus takes no argument without a name; valid parameters: beta, threshold", error("softplus(2)"));
    }

    @Test
    void malformedValueNamesTheParameterAndTheType() {
        assertEquals("leaky_relu: parameter negative_slope must be a number, got 'abc'", error("leaky_relu(negative_slope=abc)"));
        assertEquals("prelu: parameter num_parameters must be an integer, got '6.5'", error("prelu(num_parameters=6.5)"));
        assertEquals("gelu: parameter approximate must be one of none, tanh, got 'fast'", error("gelu(approximate=fast)"));
        assertEquals("elu: parameter alpha must be a number, got 'NaN'", error("elu(NaN)"));
    }

    @Test
    void malformedSyntaxIsExplained() {
        assertTrue(error("elu(alpha=1").contains("one pair of parentheses"));
        assertTrue(error("elu(alpha=)").contains("has no value"));
        assertTrue(error("elu(alpha=1, alpha=2)").contains("alpha is given twice"));
        assertTrue(error("elu(1, alpha=2)").contains("alpha is given twice"));
        assertTrue(error("leaky_relu(negative_slope=0.1, 0.2)").contains("must come first"));
        assertTrue(error("").contains("expected a name"));
        assertEquals("leaky_relu takes at most one argument without a name (negative_slope); valid parameters: negative_slope", error("leaky_relu(0.1, 0.2)"));
    }

    @Test
    void describeListsEveryActivationWithItsDefaults() {
        final List<String> lines = ActivationFactory.describe();
        assertTrue(lines.contains("relu"), lines.toString());
        assertTrue(lines.contains("leaky_relu(negative_slope=0.01)"), lines.toString());
        assertTrue(lines.contains("prelu(num_parameters=1, init=0.25)"), lines.toString());
        assertTrue(lines.contains("softplus(beta=1.0, threshold=20.0)"), lines.toString());
        assertTrue(lines.contains("gelu(approximate=none)"), lines.toString());
        assertEquals(ActivationFactory.names().size(), lines.size());
    }

    @Test
    void registeredBuildersAreUsed() {
        ActivationFactory.register("test_scaled_relu", List.of(ActivationParameter.ofFloat("slope", 0.5f)), "slope",
                args -> new LeakyReLU(args.getFloat("slope")));
        try {
            assertEquals(0.3f, ((LeakyReLU) ActivationFactory.create("test_scaled_relu(0.3)")).negativeSlope());
            assertTrue(ActivationFactory.names().contains("test_scaled_relu"));
        } finally {
            ActivationFactory.unregister("test_scaled_relu");
        }
        assertThrows(IllegalArgumentException.class, () -> ActivationFactory.register("bad", List.of(), "x", args -> new ReLU()));
    }

    // ---- SAU's options -------------------------------------------------------------------------

    @Test
    void sauOptionsDefaultsAreThePapers() {
        assertEquals(new SauOptions(0.15f, 20000f, true, false, "paper", 0), SauOptions.defaults());
        assertEquals(SauOptions.defaults(), SauOptions.parse("sau"));
    }

    @Test
    void sauOptionsParseEverySetting() {
        assertEquals(new SauOptions(0.25f, 1f, true, true, "exact", 64),
                SauOptions.parse("sau(alpha=0.25, n=1, trainable_n=true, variant=exact, per_channel=64)"));
        assertEquals(new SauOptions(0.3f, 20000f, false, false, "zero_centred", 16),
                SauOptions.parse("sau(0.3, trainable_alpha=false, variant=zero_centred, channels=16)"));
    }

    @Test
    void sauOptionsRejectBadValues() {
        final String variant = assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(variant=approx)")).getMessage();
        assertEquals("sau: parameter variant must be one of paper, exact, zero_centred, got 'approx'", variant);
        final String bool = assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(trainable_n=yes)")).getMessage();
        assertEquals("sau: parameter trainable_n must be true or false, got 'yes'", bool);
        final String unknown = assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(beta=1)")).getMessage();
        assertEquals("sau has no parameter 'beta'; valid parameters: alpha, n, trainable_alpha, trainable_n, variant, channels, per_channel", unknown);
        assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(channels=4, per_channel=4)"));
        assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(n=0)"));
        assertThrows(IllegalArgumentException.class, () -> SauOptions.parse("sau(channels=-1)"));
    }

    @Test
    void sauBuilderPlugsIn() {
        // what SAU's registration looks like; a LeakyReLU stands in for the module here
        ActivationFactory.register("test_sau", SauOptions.PARAMETERS, "alpha", args -> new LeakyReLU(SauOptions.from(args).alpha()));
        try {
            final Module m = ActivationFactory.create("test_sau(alpha=0.4, variant=exact)");
            assertEquals(0.4f, ((LeakyReLU) m).negativeSlope());
        } finally {
            ActivationFactory.unregister("test_sau");
        }
    }
}
