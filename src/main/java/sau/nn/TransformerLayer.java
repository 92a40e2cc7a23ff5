package sau.nn;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import sau.ops.Arithmetic;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * What the encoder and decoder layers share: the position-wise feed-forward block and the
 * residual connection around each sub-layer.
 *
 * <p>The feed-forward block is {@code linear2(dropout(activation(linear1(x))))}, each position
 * mapped through {@code dim_feedforward} hidden units on its own; it is where the activation
 * function sits, hence where the SAU experiment changes the model.
 *
 * <p>A residual sub-layer f comes in two arrangements. Post-norm, the original paper's:
 * {@code x = LayerNorm(x + Dropout(f(x)))}. Pre-norm ({@code norm_first}):
 * {@code x = x + Dropout(f(LayerNorm(x)))}, which keeps an identity path from input to output
 * and trains deep stacks without warm-up trouble. Children are registered under PyTorch's names
 * and in its order, so state-dict keys match {@code nn.TransformerEncoderLayer}'s and
 * {@code nn.TransformerDecoderLayer}'s.
 */
abstract class TransformerLayer extends Module {

    protected final boolean normFirst;
    private Linear linear1;
    private Dropout dropout;
    private Linear linear2;
    private Module activation;

    protected TransformerLayer(boolean normFirst) {
        this.normFirst = normFirst;
    }

    /** Registers linear1, dropout, linear2 (PyTorch's order, after the attention blocks) and the activation. */
    protected final void registerFeedForward(int dModel, int dimFeedforward, float dropoutP, Supplier<Module> activationFactory, Generator g) {
        if (dimFeedforward <= 0) throw new IllegalArgumentException("dim_feedforward must be positive, got " + dimFeedforward);
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, g));
        dropout = registerModule("dropout", new Dropout(dropoutP, g));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, g));
        activation = registerModule("activation", activationFactory.get());
    }

    protected final Tensor feedForward(Tensor x) {
        return linear2.forward(dropout.forward(activation.forward(linear1.forward(x))));
    }

    /** One residual sub-layer, post-norm or pre-norm. */
    protected final Tensor residual(Tensor x, LayerNorm norm, Dropout drop, UnaryOperator<Tensor> f) {
        return normFirst ? Arithmetic.add(x, drop.forward(f.apply(norm.forward(x)))) : norm.forward(Arithmetic.add(x, drop.forward(f.apply(x))));
    }

    @Override
    protected String extraRepr() {
        return normFirst ? "norm_first=True" : "";
    }
}
