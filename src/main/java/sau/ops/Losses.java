package sau.ops;

import static sau.ops.Arithmetic.mul;
import static sau.ops.Arithmetic.sub;

import sau.autograd.Node;
import sau.backend.cpu.SoftmaxKernel;
import sau.backend.cuda.CudaSoftmax;
import sau.tensor.Shape;
import sau.tensor.Tensor;
import sau.tensor.Arena;

/** Loss functions with PyTorch's definitions and defaults. */
public final class Losses {

    private Losses() {}

    /** How per-element losses are combined. */
    public enum Reduction { MEAN, SUM, NONE }

    /** The class index that contributes nothing, as PyTorch's {@code ignore_index}. */
    public static final int IGNORE_INDEX = -100;

    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, 0f, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Cross-entropy from unnormalised logits {@code [N, C]} (or {@code [N, C, d1, ...]}) and
     * integer class targets {@code [N]} (or {@code [N, d1, ...]}). With label smoothing ε the
     * target distribution is q = (1−ε)·onehot(t) + ε/C, and the loss is −Σ_c q_c·log p_c.
     * Mean reduction divides by the number of targets that are not {@code ignoreIndex}.
     *
     * <p>Gradient, through the log-softmax in one step: dL/dlogits = p − q (times the reduction's
     * factor), and 0 on ignored rows.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, float labelSmoothing, int ignoreIndex, Reduction reduction) {
        if (logits.dim() < 2) throw new IllegalArgumentException("crossEntropy needs logits of shape [N, C, ...], got " + Shape.str(logits.shape()));
        final int classes = logits.size(1);
        final Tensor rows = classesLast(logits);
        final int n = rows.size(0);
        final int[] t = targets(target, logits, classes, ignoreIndex);
        if (rows.isCuda()) return crossEntropyCuda(logits, rows, target, counted(t, ignoreIndex), labelSmoothing, ignoreIndex, reduction);
        final float[] logp = Arena.uninitialized(rows.numel());
        SoftmaxKernel.forward(rows.data(), rows.offset(), logp, n, classes, true);

        final float[] perRow = new float[n];
        SoftmaxKernel.crossEntropyRows(logp, t, n, classes, labelSmoothing, ignoreIndex, perRow);
        final int denominator = counted(t, ignoreIndex);
        final Tensor out = reduce(perRow, targetShape(logits), reduction, denominator);
        return Node.record("CrossEntropy", out, g -> {
            final float[] gv = g.toArray();
            final float[] scale = new float[n];
            for (int i = 0; i < n; i++) {
                scale[i] = switch (reduction) {
                    case MEAN -> gv[0] / denominator;
                    case SUM -> gv[0];
                    case NONE -> gv[i];
                };
            }
            final float[] dx = Arena.uninitialized(logp.length);
            SoftmaxKernel.crossEntropyBackward(logp, t, scale, n, classes, labelSmoothing, ignoreIndex, dx);
            return new Tensor[] {classesBack(new Tensor(dx, rows.shape()), logits.shape())};
        }, logits);
    }

    /** {@link #crossEntropy} on a GPU: log-softmax, the per-row losses and their gradient in kernels. */
    private static Tensor crossEntropyCuda(Tensor logits, Tensor rows, Tensor target, int counted, float labelSmoothing, int ignoreIndex, Reduction reduction) {
        final int n = rows.size(0), classes = rows.size(1);
        final Tensor t = targetsOn(target, logits);
        final Tensor logp = CudaSoftmax.forward(rows, n, classes, true);
        final Tensor perRow = CudaSoftmax.crossEntropyRows(logp, t, n, classes, labelSmoothing, ignoreIndex);
        final Tensor out = reduceRows(perRow, targetShape(logits), reduction, counted);
        return Node.record("CrossEntropy", out, g -> {
            final Tensor dx = CudaSoftmax.crossEntropyBackward(logp, t, g.contiguousData(), n, classes, labelSmoothing, ignoreIndex, reduction.ordinal(), counted);
            return new Tensor[] {classesBack(dx, logits.shape())};
        }, logits);
    }

    /**
     * Negative log-likelihood of log-probabilities {@code [N, C]} at integer targets:
     * −logp[t]. Gradient: −1 (times the reduction's factor) at the target class, 0 elsewhere.
     */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, int ignoreIndex, Reduction reduction) {
        if (logProbs.dim() != 2) throw new IllegalArgumentException("nllLoss needs log-probabilities of shape [N, C], got " + Shape.str(logProbs.shape()));
        final int n = logProbs.size(0), classes = logProbs.size(1);
        final int[] t = targets(target, logProbs, classes, ignoreIndex);
        final Tensor lp = logProbs.contiguousData();
        if (lp.isCuda()) {
            final int counted = counted(t, ignoreIndex);
            final Tensor tg = targetsOn(target, logProbs);
            final Tensor out = reduceRows(CudaSoftmax.nllRows(lp, tg, n, classes, ignoreIndex), new int[] {n}, reduction, counted);
            return Node.record("NllLoss", out, g -> new Tensor[] {
                CudaSoftmax.nllBackward(tg, g.contiguousData(), n, classes, ignoreIndex, reduction.ordinal(), counted)}, logProbs);
        }
        final float[] perRow = new float[n];
        int counted = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == ignoreIndex) continue;
            counted++;
            perRow[i] = -lp.data()[lp.offset() + i * classes + t[i]];
        }
        final int denominator = counted;
        final Tensor out = reduce(perRow, new int[] {n}, reduction, denominator);
        return Node.record("NllLoss", out, g -> {
            final float[] gv = g.toArray();
            final float[] dx = Arena.floats(n * classes);
            for (int i = 0; i < n; i++) {
                if (t[i] == ignoreIndex) continue;
                dx[i * classes + t[i]] = -switch (reduction) {
                    case MEAN -> gv[0] / denominator;
                    case SUM -> gv[0];
                    case NONE -> gv[i];
                };
            }
            return new Tensor[] {new Tensor(dx, n, classes)};
        }, logProbs);
    }

    /** Mean squared error (x − y)²; its gradient 2(x − y) comes from the ops it is built of. */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        final Tensor d = sub(input, target);
        return reduce(mul(d, d), reduction);
    }

    /**
     * Smooth L1 (Huber-like): 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β. Gradient d/β inside,
     * sign(d) outside, again from the ops.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, float beta, Reduction reduction) {
        final Tensor d = sub(input, target);
        final Tensor absd = MathFunctions.abs(d);
        if (beta == 0) return reduce(absd, reduction);
        final Tensor quadratic = mul(mul(d, d), 0.5f / beta);
        final Tensor linear = sub(absd, 0.5f * beta);
        return reduce(Indexing.where(Arithmetic.lt(absd, Tensor.scalar(beta)), quadratic, linear), reduction);
    }

    /**
     * Binary cross-entropy on logits, in the stable form max(x,0) − x·y + log(1 + e^(−|x|)),
     * which equals −[y·log σ(x) + (1−y)·log(1−σ(x))] without overflowing. Gradient σ(x) − y.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        final Tensor relu = Arithmetic.maximum(logits, Tensor.scalar(0f));
        final Tensor softplusNegAbs = MathFunctions.log(Arithmetic.add(MathFunctions.exp(Arithmetic.neg(MathFunctions.abs(logits))), 1f));
        return reduce(Arithmetic.add(sub(relu, mul(logits, target)), softplusNegAbs), reduction);
    }

    private static Tensor reduce(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> Reductions.mean(perElement);
            case SUM -> Reductions.sum(perElement);
            case NONE -> perElement;
        };
    }

    private static Tensor reduce(float[] perRow, int[] shape, Reduction reduction, int counted) {
        double s = 0;
        for (float v : perRow) s += v;
        return switch (reduction) {
            case MEAN -> Tensor.scalar(counted == 0 ? Float.NaN : (float) (s / counted));
            case SUM -> Tensor.scalar((float) s);
            case NONE -> new Tensor(perRow, shape);
        };
    }

    /** Per-row losses on a GPU combined as {@code reduction} says: a scalar, or the losses in {@code shape}. */
    private static Tensor reduceRows(Tensor perRow, int[] shape, Reduction reduction, int counted) {
        return switch (reduction) {
            case MEAN -> CudaSoftmax.total(perRow, true, counted);
            case SUM -> CudaSoftmax.total(perRow, false, counted);
            case NONE -> perRow.view(shape, Shape.contiguousStrides(shape), perRow.offset());
        };
    }

    /** How many targets are not {@code ignoreIndex}: the divisor of the mean. */
    private static int counted(int[] t, int ignoreIndex) {
        int counted = 0;
        for (int v : t) if (v != ignoreIndex) counted++;
        return counted;
    }

    /** The targets on the device of the scores, contiguous, one per row (they may come from either device). */
    private static Tensor targetsOn(Tensor target, Tensor scores) {
        return Arena.to(target, scores.device()).contiguousData();
    }

    /** [N, C, d1, ...] as a contiguous [N·d1·..., C]. */
    private static Tensor classesLast(Tensor logits) {
        if (logits.dim() == 2) return logits.contiguousData();
        final int rank = logits.dim();
        final int[] perm = new int[rank];
        perm[0] = 0;
        for (int i = 1; i < rank - 1; i++) perm[i] = i + 1;
        perm[rank - 1] = 1;
        final Tensor moved = Views.permute(logits.detach(), perm).contiguousData();
        final int[] rows = {moved.numel() / logits.size(1), logits.size(1)};
        return moved.view(rows, Shape.contiguousStrides(rows), moved.offset());
    }

    /** The inverse of {@link #classesLast}, for the gradient. */
    private static Tensor classesBack(Tensor rows, int[] shape) {
        if (shape.length == 2) return rows;
        final int rank = shape.length;
        final int[] moved = new int[rank];
        moved[0] = shape[0];
        for (int i = 1; i < rank - 1; i++) moved[i] = shape[i + 1];
        moved[rank - 1] = shape[1];
        final int[] perm = new int[rank];
        perm[0] = 0;
        perm[1] = rank - 1;
        for (int i = 2; i < rank; i++) perm[i] = i - 1;
        return Views.permute(rows.view(moved, Shape.contiguousStrides(moved), rows.offset()), perm);
    }

    private static int[] targetShape(Tensor logits) {
        final int[] s = new int[logits.dim() - 1];
        s[0] = logits.size(0);
        for (int i = 2; i < logits.dim(); i++) s[i - 1] = logits.size(i);
        return s;
    }

    private static int[] targets(Tensor target, Tensor logits, int classes, int ignoreIndex) {
        final int[] expected = logits.dim() == 2 ? new int[] {logits.size(0)} : targetShape(logits);
        if (!java.util.Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException("targets have shape " + Shape.str(target.shape()) + ", logits " + Shape.str(logits.shape()) + " need " + Shape.str(expected));
        }
        final float[] v = target.toArray();
        final int[] t = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = (int) v[i];
            if (t[i] != v[i] || (t[i] != ignoreIndex && (t[i] < 0 || t[i] >= classes))) {
                throw new IllegalArgumentException("target " + v[i] + " at position " + i + " is not a class index in [0, " + classes + ")");
            }
        }
        return t;
    }
}
