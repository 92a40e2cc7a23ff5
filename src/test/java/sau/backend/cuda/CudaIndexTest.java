package sau.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sau.ops.Arithmetic;
import sau.ops.EmbeddingOp;
import sau.ops.Indexing;
import sau.ops.Joins;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Embedding lookup, index_select, gather, scatter-add, where, masked fill, cat, stack and split
 * on the GPU against the CPU. Repeated indices check that gradients add up (without atomics).
 */
@Tag("cuda")
class CudaIndexTest {

    private static final double TOL = 1e-5;
    private final Generator gen = new Generator(17);

    private static Tensor indices(int[] shape, float... values) {
        return Tensor.of(values, shape);
    }

    /** Repeated tokens and the padding row 0, whose gradient stays 0; indices on the GPU and on the CPU. */
    @Test
    void embedding() {
        final Tensor weight = CudaParity.randn(gen, 7, 6);
        final Tensor ids = indices(new int[] {2, 5}, 3, 0, 3, 6, 1, 1, 3, 0, 5, 3);
        CudaParity.check("embedding, padding 0", TOL, t -> EmbeddingOp.embedding(t[1], t[0], 0), new Tensor[] {weight, ids}, false, true);
        CudaParity.check("embedding, no padding", TOL, t -> EmbeddingOp.embedding(t[1], t[0], -1), new Tensor[] {weight, ids}, false, true);
        CudaParity.check("embedding, CPU indices", TOL, t -> EmbeddingOp.embedding(ids, t[0], 0), new Tensor[] {weight});
        CudaParity.check("embedding, all padding", TOL, t -> EmbeddingOp.embedding(t[1], t[0], 2), new Tensor[] {weight, indices(new int[] {3}, 2, 2, 2)}, false, true);
    }

    @Test
    void indexSelect() {
        final Tensor x = CudaParity.randn(gen, 4, 5, 3);
        for (int dim = 0; dim < 3; dim++) {
            final int d = dim;
            final Tensor index = indices(new int[] {5}, 1, 0, 2, 1, 1); // every value below 3, repeated
            CudaParity.check("index select dim " + d, TOL, t -> Indexing.indexSelect(t[0], d, t[1]), new Tensor[] {x, index}, false, true);
        }
    }

    @Test
    void gatherAndScatterAdd() {
        final Tensor x = CudaParity.randn(gen, 3, 5, 4);
        final float[] idx = new float[2 * 6 * 3];
        for (int i = 0; i < idx.length; i++) idx[i] = gen.nextInt(5);
        final Tensor index = Tensor.of(idx, 2, 6, 3); // smaller than x outside dim 1, repeated values
        CudaParity.check("gather dim 1", TOL, t -> Indexing.gather(t[0], 1, t[1]), new Tensor[] {x, index}, false, true);
        final float[] idx0 = new float[4 * 5 * 4];
        for (int i = 0; i < idx0.length; i++) idx0[i] = gen.nextInt(3);
        CudaParity.check("gather dim 0", TOL, t -> Indexing.gather(t[0], 0, t[1]), new Tensor[] {x, Tensor.of(idx0, 4, 5, 4)}, false, true);
        final Tensor src = CudaParity.randn(gen, 2, 6, 3);
        CudaParity.check("scatter add dim 1", TOL, t -> Indexing.scatterAdd(t[0], 1, t[1], t[2]), new Tensor[] {x, index, src}, false, true, false);
        CudaParity.check("scatter add dim -1", TOL, t -> Indexing.scatterAdd(t[0], -1, t[1], t[2]),
            new Tensor[] {CudaParity.randn(gen, 3, 4), indices(new int[] {2, 3}, 0, 3, 0, 1, 1, 1), CudaParity.randn(gen, 2, 3)}, false, true, false);
    }

    @Test
    void whereAndMaskedFill() {
        final Tensor a = CudaParity.randn(gen, 3, 4), b = CudaParity.randn(gen, 3, 4);
        final Tensor cond = indices(new int[] {3, 4}, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1), row = indices(new int[] {4}, 0, 1, 1, 0);
        CudaParity.check("where", TOL, t -> Indexing.where(t[2], t[0], t[1]), new Tensor[] {a, b, cond}, false, false, true);
        CudaParity.check("where, broadcast", TOL, t -> Indexing.where(t[2], t[0], t[1]), new Tensor[] {a, CudaParity.randn(gen, 1, 4), row}, false, false, true);
        CudaParity.check("masked fill", TOL, t -> Indexing.maskedFill(t[0], t[1], -1e9f), new Tensor[] {a, row}, false, true);
    }

    @Test
    void catStackSplit() {
        final Tensor a = CudaParity.randn(gen, 2, 3), b = CudaParity.randn(gen, 2, 5), c = CudaParity.randn(gen, 4, 3);
        CudaParity.check("cat dim 1", TOL, t -> Joins.cat(List.of(t[0], t[1]), 1), new Tensor[] {a, b});
        CudaParity.check("cat dim 0", TOL, t -> Joins.cat(List.of(t[0], t[1]), 0), new Tensor[] {a, c});
        CudaParity.check("stack dim 1", TOL, t -> Joins.stack(List.of(t[0], t[1], t[0]), 1), new Tensor[] {a, CudaParity.randn(gen, 2, 3)});
        CudaParity.check("split, pieces scaled and joined", TOL, t -> {
            final List<Tensor> pieces = Joins.split(t[0], 2, 1);
            return Joins.cat(List.of(Arithmetic.mul(pieces.get(2), 3f), pieces.get(0)), 1);
        }, new Tensor[] {CudaParity.randn(gen, 3, 5)});
        CudaParity.check("split by sizes", TOL, t -> Joins.split(t[0], new int[] {1, 3}, 0).get(1), new Tensor[] {c});
    }

    @Test
    void catRefusesMixedDevices() {
        CudaParity.assumeGpu();
        final Tensor a = CudaParity.randn(gen, 2, 3);
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> Joins.cat(List.of(a, a.to(CudaParity.GPU)), 0));
        assertEquals(true, e.getMessage().contains("different devices"), e.getMessage());
    }
}
