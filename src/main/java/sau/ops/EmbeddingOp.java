package sau.ops;

import sau.autograd.Node;
import sau.backend.cuda.CudaIndex;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * A table lookup, as PyTorch's {@code F.embedding(indices, weight, padding_idx)}: for indices
 * of any shape {@code [...]} (whole numbers stored as floats) the output {@code [..., dim]} holds
 * row {@code weight[index]} at each position.
 *
 * <p>Gradient: dL/dweight[v] = Σ over the positions p with index[p] = v of dL/dout[p], a
 * scatter-add of the output's gradient rows into the table; a token that occurs twice collects
 * both contributions. The row {@code paddingIdx} (if ≥ 0) receives no gradient, so the padding
 * vector stays what it was initialised to (zero) and padding never learns.
 */
public final class EmbeddingOp {

    private EmbeddingOp() {}

    public static Tensor embedding(Tensor indices, Tensor weight, int paddingIdx) {
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be [num_embeddings, embedding_dim], got " + Shape.str(weight.shape()));
        final int vocab = weight.size(0), dim = weight.size(1);
        final float[] raw = indices.toArray();
        final int[] idx = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            idx[i] = (int) raw[i];
            if (idx[i] != raw[i] || idx[i] < 0 || idx[i] >= vocab) {
                throw new IllegalArgumentException("embedding: index " + raw[i] + " at position " + i + " is not a row of a table with " + vocab + " rows");
            }
        }
        final Tensor w = weight.contiguousData();
        final int[] shape = java.util.Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = dim;
        if (w.isCuda()) {
            // the lookup is index_select along the rows of the table; its gradient adds each row's occurrences in order
            final Tensor out = CudaIndex.select(w, Arena.to(indices, w.device()).contiguousData(), 1, vocab, dim, shape);
            return Node.record("Embedding", out, g -> new Tensor[] {CudaIndex.selectBackward(g.contiguousData(), idx, paddingIdx, 1, vocab, dim, weight.shape())}, weight);
        }
        final float[] out = Arena.uninitialized(idx.length * dim);
        for (int i = 0; i < idx.length; i++) System.arraycopy(w.data(), w.offset() + idx[i] * dim, out, i * dim, dim);
        return Node.record("Embedding", new Tensor(out, shape), g -> {
            final Tensor gc = g.contiguousData();
            final float[] gd = gc.data();
            final float[] dw = Arena.floats(vocab * dim);
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] == paddingIdx) continue;
                final int src = gc.offset() + i * dim, dst = idx[i] * dim;
                for (int k = 0; k < dim; k++) dw[dst + k] += gd[src + k];
            }
            return new Tensor[] {new Tensor(dw, vocab, dim)};
        }, weight);
    }
}
