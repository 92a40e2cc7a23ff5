package sau.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/**
 * Elementwise kernels: one output element from the elements at the same position of the inputs,
 * with NumPy/PyTorch broadcasting.
 *
 * <p>Broadcasting costs no copy: an operand's broadcast dimensions get stride 0, so the kernel
 * keeps reading the same element. Before looping, adjacent dimensions that are laid out
 * contiguously in every operand are merged ({@link #coalesce}); {@code x[N,C,H,W] + b[1,C,1,1]}
 * becomes a loop over {@code [N, C, H*W]} whose innermost run reads {@code x} with stride 1 and
 * {@code b} with stride 0, both of which the vector loop handles. Other strides take the scalar
 * loop. Every kernel keeps a plain scalar reference next to it for the tests.
 */
public final class Elementwise {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many elements a kernel runs on the calling thread alone. */
    static final int GRAIN = 1 << 15;

    private Elementwise() {}

    // ---- unary ----------------------------------------------------------------------------

    /** {@code op(x)} for every element, into a new contiguous tensor. */
    public static Tensor unary(UnaryOp op, Tensor x, float p, float q) {
        final Tensor in = x.contiguousData();
        final float[] src = in.data();
        final int base = in.offset();
        final float[] out = Arena.uninitialized(in.numel());
        Parallel.forRange(out.length, GRAIN, (start, end) -> unaryRange(op, src, base, out, start, end, p, q));
        return new Tensor(out, x.shape());
    }

    private static void unaryRange(UnaryOp op, float[] src, int base, float[] out, int start, int end, float p, float q) {
        int i = start;
        for (final int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
            op.apply(FloatVector.fromArray(S, src, base + i), p, q).intoArray(out, i);
        }
        for (; i < end; i++) out[i] = op.apply(src[base + i], p, q);
    }

    /** The scalar reference of {@link #unary}. */
    public static Tensor unaryReference(UnaryOp op, Tensor x, float p, float q) {
        final float[] in = x.toArray();
        final float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = op.apply(in[i], p, q);
        return new Tensor(out, x.shape());
    }

    // ---- binary ---------------------------------------------------------------------------

    /** {@code op(a, b)} with broadcasting, into a new contiguous tensor. */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        final int[] shape = Shape.broadcast(a.shape(), b.shape());
        final float[] out = Arena.uninitialized(Shape.numel(shape));
        if (out.length == 0) return new Tensor(out, shape);
        if (a.isContiguous() && b.isContiguous() && Arrays.equals(a.shape(), b.shape())) {
            final float[] ad = a.data(), bd = b.data();
            final int ao = a.offset(), bo = b.offset();
            Parallel.forRange(out.length, GRAIN, (start, end) -> run(op, ad, ao + start, 1, bd, bo + start, 1, out, start, end - start));
            return new Tensor(out, shape);
        }
        final Layout l = coalesce(shape, broadcastStrides(a, shape), broadcastStrides(b, shape));
        final int inner = l.shape[l.shape.length - 1];
        final int rows = out.length / inner;
        final float[] ad = a.data(), bd = b.data();
        Parallel.forRange(rows, Math.max(1, GRAIN / inner), (start, end) -> {
            final Rows row = l.rows(start, a.offset(), b.offset());
            for (int r = start; r < end; r++, row.next()) {
                run(op, ad, row.at[0], l.innerStride(0), bd, row.at[1], l.innerStride(1), out, r * inner, inner);
            }
        });
        return new Tensor(out, shape);
    }

    /** One run of {@code n} elements; vectorised when each operand has stride 1 or 0. */
    private static void run(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] out, int oi, int n) {
        int i = 0;
        if (as == 1 && bs == 1) {
            for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
                op.apply(FloatVector.fromArray(S, a, ai + i), FloatVector.fromArray(S, b, bi + i)).intoArray(out, oi + i);
            }
        } else if (as == 1 && bs == 0) {
            final FloatVector bv = FloatVector.broadcast(S, b[bi]);
            for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
                op.apply(FloatVector.fromArray(S, a, ai + i), bv).intoArray(out, oi + i);
            }
        } else if (as == 0 && bs == 1) {
            final FloatVector av = FloatVector.broadcast(S, a[ai]);
            for (final int bound = S.loopBound(n); i < bound; i += S.length()) {
                op.apply(av, FloatVector.fromArray(S, b, bi + i)).intoArray(out, oi + i);
            }
        }
        for (; i < n; i++) out[oi + i] = op.apply(a[ai + i * as], b[bi + i * bs]);
    }

    /** The scalar reference of {@link #binary}: one multi-index at a time. */
    public static Tensor binaryReference(BinaryOp op, Tensor a, Tensor b) {
        final int[] shape = Shape.broadcast(a.shape(), b.shape());
        final int[] sa = broadcastStrides(a, shape), sb = broadcastStrides(b, shape);
        final float[] out = new float[Shape.numel(shape)];
        final int[] idx = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            int rem = i, pa = a.offset(), pb = b.offset();
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
                pa += idx[d] * sa[d];
                pb += idx[d] * sb[d];
            }
            out[i] = op.apply(a.data()[pa], b.data()[pb]);
        }
        return new Tensor(out, shape);
    }

    /** {@code dst += src}, where dst is contiguous and src has dst's shape (any strides). */
    public static void addInto(Tensor dst, Tensor src) {
        if (!dst.isContiguous()) throw new IllegalArgumentException("addInto needs a contiguous destination");
        final Tensor s = src.contiguousData();
        add(dst.data(), dst.offset(), s.data(), s.offset(), dst.data(), dst.offset(), dst.numel());
    }

    /** {@code a + b} for two tensors of one shape (any strides), in a new contiguous tensor: where two gradients meet. */
    public static Tensor add(Tensor a, Tensor b) {
        final Tensor x = a.contiguousData(), y = b.contiguousData();
        final float[] out = Arena.uninitialized(x.numel());
        add(x.data(), x.offset(), y.data(), y.offset(), out, 0, out.length);
        return new Tensor(out, a.shape());
    }

    /**
     * {@code out[i] = a[i] + b[i]} for n elements. Its own loop rather than run(ADD, ...):
     * gradients meet here on every backward pass, and run's op switch, compiled once for all the
     * ops, keeps the JIT from fusing the vectors.
     */
    private static void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
        Parallel.forRange(n, GRAIN, (start, end) -> {
            int i = start;
            for (final int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
                FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
            }
            for (; i < end; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
        });
    }

    /**
     * {@code dst[to + i] += src[from + i]} for {@code i < length}, on the calling thread: the
     * inner loop of the kernels that sum rows or planes into an accumulator (reductions, col2im,
     * the weight gradient's partial sums).
     */
    static void accumulate(float[] src, int from, float[] dst, int to, int length) {
        int i = 0;
        for (final int bound = S.loopBound(length); i < bound; i += S.length()) {
            FloatVector.fromArray(S, dst, to + i).add(FloatVector.fromArray(S, src, from + i)).intoArray(dst, to + i);
        }
        for (; i < length; i++) dst[to + i] += src[from + i];
    }

    /**
     * Writes {@code src}, broadcast to {@code dst}'s shape, into {@code dst}'s elements (any strides).
     * The threads split the elements, not the rows: a contiguous tensor is one long row (a
     * parameter's gradient copied into its {@code .grad}, 2.7 MB in the MLP), which split by rows
     * was copied on one thread.
     */
    public static void copyInto(Tensor dst, Tensor src) {
        final int[] shape = dst.shape();
        if (dst.numel() == 0) return;
        final Layout l = coalesce(shape, dst.strides(), broadcastStrides(src, shape));
        final int inner = l.shape[l.shape.length - 1];
        final int ds = l.innerStride(0), ss = l.innerStride(1);
        final float[] d = dst.data(), sd = src.data();
        Parallel.forRange(dst.numel(), GRAIN, (start, end) -> {
            // Element e is element e % inner of row e / inner; a range may start and end mid-row.
            final Rows row = l.rows(start / inner, dst.offset(), src.offset());
            for (int e = start, from = start % inner; e < end; from = 0, row.next()) {
                final int count = Math.min(inner - from, end - e);
                final int di = row.at[0] + from * ds, si = row.at[1] + from * ss;
                if (ds == 1 && ss == 1) System.arraycopy(sd, si, d, di, count);
                else for (int j = 0; j < count; j++) d[di + j * ds] = sd[si + j * ss];
                e += count;
            }
        });
    }

    /** {@code cond != 0 ? a : b} elementwise, with broadcasting of all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        final int[] shape = Shape.broadcast(cond.shape(), Shape.broadcast(a.shape(), b.shape()));
        final float[] out = Arena.uninitialized(Shape.numel(shape));
        if (out.length == 0) return new Tensor(out, shape);
        final Layout l = coalesce(shape, broadcastStrides(cond, shape), broadcastStrides(a, shape), broadcastStrides(b, shape));
        final int inner = l.shape[l.shape.length - 1];
        final int cs = l.innerStride(0), as = l.innerStride(1), bs = l.innerStride(2);
        final float[] cd = cond.data(), ad = a.data(), bd = b.data();
        Parallel.forRange(out.length / inner, Math.max(1, GRAIN / inner), (start, end) -> {
            final Rows row = l.rows(start, cond.offset(), a.offset(), b.offset());
            for (int r = start; r < end; r++, row.next()) {
                final int ci = row.at[0], ai = row.at[1], bi = row.at[2];
                for (int j = 0, o = r * inner; j < inner; j++, o++) out[o] = cd[ci + j * cs] != 0 ? ad[ai + j * as] : bd[bi + j * bs];
            }
        });
        return new Tensor(out, shape);
    }

    // ---- layout ---------------------------------------------------------------------------

    /** {@code t}'s strides seen from the broadcast shape: 0 along every broadcast dimension. */
    public static int[] broadcastStrides(Tensor t, int[] shape) {
        final int[] ts = t.shape(), tstr = t.strides();
        final int[] s = new int[shape.length];
        final int lead = shape.length - ts.length;
        for (int d = lead; d < shape.length; d++) s[d] = ts[d - lead] == 1 ? 0 : tstr[d - lead];
        return s;
    }

    /** A loop nest over a shape, with each operand's strides, after merging contiguous dimensions. */
    public record Layout(int[] shape, int[][] strides) {

        int innerStride(int operand) {
            return strides[operand][shape.length - 1];
        }

        /** A walk over the rows from row {@code first} on, each operand's offsets starting from its {@code bases}. */
        Rows rows(int first, int... bases) {
            return new Rows(this, first, bases);
        }
    }

    /**
     * The start of each operand's current row (all dimensions but the last), stepped to the next
     * row by an odometer over the outer dimensions: an add per operand, where finding a row's
     * start from its number divides by every dimension. That is done once, for the first row; on
     * short rows (a 4×4 plane is 16 values) the divisions would cost more than the row.
     */
    static final class Rows {
        private final Layout l;
        private final int[] index;
        final int[] at;

        private Rows(Layout l, int first, int[] bases) {
            this.l = l;
            index = new int[l.shape.length - 1];
            for (int d = index.length - 1, r = first; d >= 0; d--) {
                index[d] = r % l.shape[d];
                r /= l.shape[d];
            }
            at = bases.clone();
            for (int k = 0; k < at.length; k++) {
                for (int d = 0; d < index.length; d++) at[k] += index[d] * l.strides[k][d];
            }
        }

        void next() {
            for (int d = index.length - 1; d >= 0; d--) {
                for (int k = 0; k < at.length; k++) at[k] += l.strides[k][d];
                if (++index[d] < l.shape[d]) return;
                index[d] = 0;
                for (int k = 0; k < at.length; k++) at[k] -= l.strides[k][d] * l.shape[d];
            }
        }
    }

    /** Merges dimension d into d+1 wherever every operand steps through both as one run. */
    public static Layout coalesce(int[] shape, int[]... strides) {
        final int[] sh = new int[Math.max(1, shape.length)];
        final int[][] st = new int[strides.length][sh.length];
        if (shape.length == 0) {
            sh[0] = 1;
            return new Layout(sh, st);
        }
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1 && shape.length > 1) continue; // a size-1 dimension changes no offset
            boolean merge = rank > 0;
            for (int k = 0; k < strides.length && merge; k++) merge = st[k][rank - 1] == strides[k][d] * shape[d];
            if (merge) {
                sh[rank - 1] *= shape[d];
                for (int k = 0; k < strides.length; k++) st[k][rank - 1] = strides[k][d];
            } else {
                sh[rank] = shape[d];
                for (int k = 0; k < strides.length; k++) st[k][rank] = strides[k][d];
                rank++;
            }
        }
        if (rank == 0) { // every dimension had size 1
            sh[0] = 1;
            rank = 1;
        }
        final int[][] outStrides = new int[strides.length][];
        for (int k = 0; k < strides.length; k++) outStrides[k] = Arrays.copyOf(st[k], rank);
        return new Layout(Arrays.copyOf(sh, rank), outStrides);
    }
}
