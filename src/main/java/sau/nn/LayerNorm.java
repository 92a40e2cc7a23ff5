package sau.nn;

import sau.ops.LayerNormOp;
import sau.tensor.Tensor;

/**
 * Layer normalisation over the last dimension, as PyTorch's {@code nn.LayerNorm(normalized_shape)}
 * with {@code elementwise_affine=True}: weight (γ) starts at 1, bias (β) at 0, eps 1e-5.
 */
public final class LayerNorm extends Module {

    public static final float DEFAULT_EPS = 1e-5f;

    private final int normalizedShape;
    private final float eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(int normalizedShape, float eps) {
        if (normalizedShape <= 0) throw new IllegalArgumentException("LayerNorm needs a positive size, got " + normalizedShape);
        this.normalizedShape = normalizedShape;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(normalizedShape));
        this.bias = registerParameter("bias", Tensor.zeros(normalizedShape));
    }

    public LayerNorm(int normalizedShape) {
        this(normalizedShape, DEFAULT_EPS);
    }

    @Override
    public Tensor forward(Tensor x) {
        return LayerNormOp.layerNorm(x, weight, bias, eps);
    }

    @Override
    protected String extraRepr() {
        return "(" + normalizedShape + ",), eps=" + PythonRepr.of(eps) + ", elementwise_affine=True";
    }
}
