package sau.detection;

import java.util.Arrays;

/** Greedy non-maximum suppression. */
public final class Nms {

    private Nms() {}

    /**
     * Of the boxes {@code candidates} (indices into the corner boxes and their scores), the
     * {@code limit} most confident are visited from the highest score down; each is kept unless
     * it overlaps an already kept box by an IoU above {@code iou}. Returns the kept indices,
     * most confident first. Equal scores keep the candidates' order.
     */
    public static int[] keep(float[] boxes, float[] scores, int[] candidates, float iou, int limit) {
        final Integer[] order = Arrays.stream(candidates).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        final int n = Math.min(limit, order.length);
        final int[] kept = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            final int c = order[i];
            boolean suppressed = false;
            for (int j = 0; j < k && !suppressed; j++) suppressed = Boxes.iou(boxes, c, boxes, kept[j]) > iou;
            if (!suppressed) kept[k++] = c;
        }
        return Arrays.copyOf(kept, k);
    }
}
