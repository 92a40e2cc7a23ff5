package sau.train;

import sau.tensor.Tensor;

/** Top-k accuracy counting: is the true class among the k largest logits? */
public final class Accuracy {

    private Accuracy() {}

    /** How many rows of {@code logits [N, C]} have their target among their {@code k} largest values. */
    public static int correct(Tensor logits, Tensor targets, int k) {
        final int n = logits.size(0), c = logits.size(1);
        final float[] l = logits.contiguousData().toArray();
        final float[] t = targets.toArray();
        int hits = 0;
        for (int i = 0; i < n; i++) {
            final int target = (int) t[i];
            final float score = l[i * c + target];
            // the target is in the top k when fewer than k classes score strictly higher
            // (ties counted for the earlier class, as torch.topk does in practice)
            int better = 0;
            for (int j = 0; j < c && better < k; j++) {
                final float v = l[i * c + j];
                if (v > score || (v == score && j < target)) better++;
            }
            if (better < k) hits++;
        }
        return hits;
    }
}
