package sau.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sau.ops.Arithmetic;
import sau.ops.Indexing;
import sau.ops.Losses;
import sau.ops.Views;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * SSD's training loss (Liu et al., 2016, eq. 1), over a batch of the model's outputs
 * {@code [N, P, 4 + C]} (box offsets, then class logits, for each of P default boxes):
 *
 * <pre>  L = (Σ_{positives} smoothL1(offsets − targets) + Σ_{positives ∪ mined negatives} CE(logits, class)) / #positives</pre>
 *
 * The positives are the default boxes {@link Matcher} assigned to an object. Nearly all the
 * others are background, too many to train on: <em>hard negative mining</em> keeps, per image,
 * only the background boxes the model is most wrong about (highest background cross-entropy),
 * three for every positive. The selection is not differentiated through: it is made first
 * ({@link #select}), from the logits' values, and the loss ({@link #loss}) is then a plain sum
 * over the selected boxes, whose gradient is that of smooth L1 (β = 1) and cross-entropy.
 */
public final class MultiboxLoss {

    /**
     * Which default boxes a batch trains on.
     *
     * @param positiveRows the rows {@code n·P + j} of the positive boxes
     * @param offsetTargets their encoded boxes, 4 per row of {@code positiveRows}
     * @param classTargets the class of every box {@code n·P + j} (0 background), or {@link Losses#IGNORE_INDEX} where unselected
     */
    public record Selection(int[] positiveRows, float[] offsetTargets, float[] classTargets) {
        public int positives() {
            return positiveRows.length;
        }
    }

    private MultiboxLoss() {}

    /** The loss of a batch: the selection, then the loss over it. */
    public static Tensor of(Tensor output, Matcher.Targets[] targets, int negativesPerPositive) {
        return loss(output, select(output, targets, negativesPerPositive));
    }

    /**
     * Picks the positives and, per image, the {@code negativesPerPositive × positives} background
     * boxes of highest background cross-entropy {@code log Σ_c e^{z_c} − z_0} (all of them if fewer).
     */
    public static Selection select(Tensor output, Matcher.Targets[] targets, int negativesPerPositive) {
        final int n = output.size(0), p = output.size(1), width = output.size(2), classes = width - 4;
        if (output.dim() != 3 || classes < 2 || targets.length != n) {
            throw new IllegalArgumentException("multibox loss: output " + Shape.str(output.shape()) + " must be [N, P, 4 + classes] with classes ≥ 2, for "
                    + targets.length + " images of targets");
        }
        // the mining reads every score once, on the CPU: a GPU output is copied here first
        final Tensor out = output.isCuda() ? new Tensor(output.toArray(), output.shape()) : output.contiguousData();
        final float[] v = out.data();
        final float[] classTargets = new float[n * p];
        Arrays.fill(classTargets, Losses.IGNORE_INDEX);
        final List<Integer> rows = new ArrayList<>();
        final List<float[]> boxes = new ArrayList<>();
        final float[] background = new float[p];
        for (int i = 0; i < n; i++) {
            final Matcher.Targets t = targets[i];
            if (t.labels().length != p) throw new IllegalArgumentException("targets of image " + i + " cover " + t.labels().length + " default boxes, the output " + p);
            int negatives = 0;
            for (int j = 0; j < p; j++) {
                final int row = out.offset() + (i * p + j) * width + 4;
                if (t.labels()[j] > 0) {
                    rows.add(i * p + j);
                    boxes.add(Arrays.copyOfRange(t.offsets(), 4 * j, 4 * j + 4));
                    classTargets[i * p + j] = t.labels()[j];
                    background[j] = Float.NEGATIVE_INFINITY;
                } else {
                    background[j] = logSumExp(v, row, classes) - v[row];
                    negatives++;
                }
            }
            final int keep = Math.min(negativesPerPositive * t.positives(), negatives);
            for (int j : hardest(background, keep)) classTargets[i * p + j] = 0;
        }
        final int[] positiveRows = rows.stream().mapToInt(Integer::intValue).toArray();
        final float[] offsetTargets = new float[4 * positiveRows.length];
        for (int k = 0; k < boxes.size(); k++) System.arraycopy(boxes.get(k), 0, offsetTargets, 4 * k, 4);
        return new Selection(positiveRows, offsetTargets, classTargets);
    }

    /** The loss over a fixed selection; differentiable in {@code output}. */
    public static Tensor loss(Tensor output, Selection s) {
        final int n = output.size(0), p = output.size(1), classes = output.size(2) - 4;
        final Tensor logits = Views.reshape(Views.narrow(output, 2, 4, classes), n * p, classes);
        final Tensor confidence = Losses.crossEntropy(logits, Arena.to(new Tensor(s.classTargets().clone(), n * p), output.device()), 0f, Losses.IGNORE_INDEX, Losses.Reduction.SUM);
        final float normaliser = Math.max(1, s.positives());
        if (s.positives() == 0) return Arithmetic.div(confidence, normaliser);
        final float[] index = new float[s.positives()];
        for (int k = 0; k < index.length; k++) index[k] = s.positiveRows()[k];
        final Tensor offsets = Indexing.indexSelect(Views.reshape(Views.narrow(output, 2, 0, 4), n * p, 4), 0, Arena.to(new Tensor(index, index.length), output.device()));
        final Tensor localisation = Losses.smoothL1Loss(offsets, Arena.to(new Tensor(s.offsetTargets().clone(), s.positives(), 4), output.device()), 1f, Losses.Reduction.SUM);
        return Arithmetic.div(Arithmetic.add(localisation, confidence), normaliser);
    }

    /** The indices of the {@code k} largest values (ties to the lower index). */
    private static int[] hardest(float[] values, int k) {
        if (k == 0) return new int[0];
        final Integer[] order = new Integer[values.length];
        for (int j = 0; j < order.length; j++) order[j] = j;
        Arrays.sort(order, (a, b) -> Float.compare(values[b], values[a]));
        final int[] out = new int[k];
        for (int j = 0; j < k; j++) out[j] = order[j];
        return out;
    }

    private static float logSumExp(float[] v, int from, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) max = Math.max(max, v[from + c]);
        double sum = 0;
        for (int c = 0; c < count; c++) sum += Math.exp(v[from + c] - max);
        return max + (float) Math.log(sum);
    }
}
