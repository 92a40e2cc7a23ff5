package sau.nn;

import sau.ops.Arithmetic;
import sau.ops.DropoutOp;
import sau.ops.LinearOp;
import sau.ops.MatMul;
import sau.ops.Softmax;
import sau.ops.Views;
import sau.tensor.Arena;
import sau.tensor.Generator;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017, section 3.2), with PyTorch's
 * parameter names ({@code in_proj_weight}, {@code in_proj_bias}, {@code out_proj.weight},
 * {@code out_proj.bias}) and {@code batch_first=True} shapes: query {@code [B, T, E]}, key and
 * value {@code [B, S, E]}.
 *
 * <p>The query, key and value are projected by the three row blocks of {@code in_proj_weight}
 * and split into {@code nhead} heads of {@code E/nhead} features. Each head computes
 * <pre>
 *   Attention(Q, K, V) = softmax(Q·Kᵀ/√d_head + M)·V
 * </pre>
 * where M is 0 where a query may look and −∞ where it may not: at padded keys (the key-padding
 * mask) and, for a decoder's self-attention, at later positions (the causal mask). The −∞
 * becomes an exact 0 after the softmax, which subtracts each row's maximum first and so never
 * overflows. The heads' outputs are concatenated and projected by {@code out_proj}.
 *
 * <p>The heads are views: {@code [B, T, E]} reshaped to {@code [B, T, H, d]} and permuted to
 * {@code [B, H, T, d]} costs nothing, and the batched {@link MatMul} reads those strides
 * directly. Gradients come from the ops (linear, matmul, softmax, dropout).
 */
public final class MultiheadAttention extends Module {

    private final int embedDim;
    private final int numHeads;
    private final float dropout;
    private final Generator generator;
    private final Tensor inProjWeight;
    private final Tensor inProjBias;
    private final Linear outProj;

    public MultiheadAttention(int embedDim, int numHeads, float dropout, Generator g) {
        if (numHeads <= 0 || embedDim <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim " + embedDim + " must be a positive multiple of num_heads " + numHeads);
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("attention dropout must be in [0, 1), got " + dropout);
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.dropout = dropout;
        this.generator = g;
        // PyTorch: xavier_uniform_ on the stacked [3E, E] weight, zero biases
        this.inProjWeight = registerParameter("in_proj_weight", Init.xavierUniform(Tensor.zeros(3 * embedDim, embedDim), 1.0, g));
        this.inProjBias = registerParameter("in_proj_bias", Tensor.zeros(3 * embedDim));
        this.outProj = registerModule("out_proj", new Linear(embedDim, embedDim, true, g));
        Init.zeros(outProj.bias());
    }

    /** Self-attention without masks. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, x, null, false);
    }

    /**
     * @param keyPaddingMask {@code [B, S]}, 1 at padded keys and 0 elsewhere, or null
     * @param causal         whether query position t may only attend to key positions ≤ t
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean causal) {
        if (query.dim() != 3 || key.dim() != 3 || value.dim() != 3 || query.size(2) != embedDim || key.size(2) != embedDim || value.size(2) != embedDim
                || key.size(0) != query.size(0) || value.size(0) != query.size(0) || key.size(1) != value.size(1)) {
            throw new IllegalArgumentException("attention expects query [B, T, " + embedDim + "] and key, value [B, S, " + embedDim + "], got "
                    + Shape.str(query.shape()) + ", " + Shape.str(key.shape()) + ", " + Shape.str(value.shape()));
        }
        final int b = query.size(0), t = query.size(1), s = key.size(1), d = embedDim / numHeads;
        final Tensor q = heads(project(query, 0), b, t);
        final Tensor k = heads(project(key, 1), b, s);
        final Tensor v = heads(project(value, 2), b, s);
        // scaling Q (T·d numbers) is cheaper than scaling the T·S scores
        Tensor scores = MatMul.matmul(Arithmetic.mul(q, (float) (1 / Math.sqrt(d))), Views.transpose(k, -1, -2)); // [B, H, T, S]
        final Tensor mask = additiveMask(keyPaddingMask, b, t, s, causal);
        if (mask != null) scores = Arithmetic.add(scores, Arena.to(mask, scores.device()));
        Tensor weights = Softmax.softmax(scores, -1);
        if (isTraining() && dropout > 0) weights = DropoutOp.dropout(weights, dropout, generator);
        final Tensor context = MatMul.matmul(weights, v); // [B, H, T, d]
        return outProj.forward(Views.reshape(Views.permute(context, 0, 2, 1, 3), b, t, embedDim));
    }

    /** Input projection i (0 query, 1 key, 2 value): x·W_iᵀ + b_i with W_i rows i·E .. (i+1)·E of in_proj_weight. */
    private Tensor project(Tensor x, int i) {
        return LinearOp.linear(x, Views.narrow(inProjWeight, 0, i * embedDim, embedDim), Views.narrow(inProjBias, 0, i * embedDim, embedDim));
    }

    /** {@code [B, L, E]} as the view {@code [B, H, L, d]}. */
    private Tensor heads(Tensor x, int b, int length) {
        return Views.permute(Views.reshape(x, b, length, numHeads, embedDim / numHeads), 0, 2, 1, 3);
    }

    /**
     * The additive mask M, {@code [B, 1, T, S]} (or {@code [B, 1, 1, S]} with padding only, or
     * {@code [T, S]} when only causal), or null when nothing is masked.
     */
    static Tensor additiveMask(Tensor keyPaddingMask, int b, int t, int s, boolean causal) {
        if (keyPaddingMask == null && !causal) return null;
        if (keyPaddingMask != null && (keyPaddingMask.dim() != 2 || keyPaddingMask.size(0) != b || keyPaddingMask.size(1) != s)) {
            throw new IllegalArgumentException("key_padding_mask must be [" + b + ", " + s + "], got " + Shape.str(keyPaddingMask.shape()));
        }
        final float[] pad = keyPaddingMask == null ? null : keyPaddingMask.toArray();
        final int rows = causal ? t : 1;
        final int batches = pad == null ? 1 : b;
        final float[] m = new float[batches * rows * s];
        for (int n = 0; n < batches; n++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < s; j++) {
                    final boolean padded = pad != null && pad[n * s + j] != 0;
                    final boolean future = causal && j > i;
                    if (padded || future) m[(n * rows + i) * s + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return pad == null ? new Tensor(m, rows, s) : new Tensor(m, batches, 1, rows, s);
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + PythonRepr.of(dropout) + ", batch_first=True";
    }
}
