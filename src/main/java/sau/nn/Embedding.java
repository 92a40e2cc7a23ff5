package sau.nn;

import sau.ops.EmbeddingOp;
import sau.ops.Views;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * A lookup table of learned vectors, one per token, as PyTorch's {@code nn.Embedding}: the
 * input is a tensor of token ids (whole numbers stored as floats), the output has one more
 * dimension of size {@code embedding_dim}. Initialised from N(0, 1) as in PyTorch; the row
 * {@code padding_idx} (if ≥ 0) is zero and receives no gradient (see {@link EmbeddingOp}).
 */
public final class Embedding extends Module {

    private final int numEmbeddings;
    private final int embeddingDim;
    private final int paddingIdx;
    private final Tensor weight;

    /** @param paddingIdx the padding token's id, or −1 for none */
    public Embedding(int numEmbeddings, int embeddingDim, int paddingIdx, Generator g) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got num_embeddings=" + numEmbeddings + ", embedding_dim=" + embeddingDim);
        }
        if (paddingIdx < -1 || paddingIdx >= numEmbeddings) throw new IllegalArgumentException("padding_idx " + paddingIdx + " is not a row of " + numEmbeddings);
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx;
        this.weight = registerParameter("weight", Init.normal(Tensor.zeros(numEmbeddings, embeddingDim), 0, 1, g));
        zeroPaddingRow();
    }

    /** Sets the padding row to zero again, e.g. after re-initialising the table. */
    public void zeroPaddingRow() {
        // through copyFrom, which writes the row on whichever device the table lives
        if (paddingIdx >= 0) Views.narrow(weight.detach(), 0, paddingIdx, 1).copyFrom(Tensor.zeros(1, embeddingDim));
    }

    @Override
    public Tensor forward(Tensor indices) {
        return EmbeddingOp.embedding(indices, weight, paddingIdx);
    }

    public Tensor weight() {
        return weight;
    }

    public int numEmbeddings() {
        return numEmbeddings;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
