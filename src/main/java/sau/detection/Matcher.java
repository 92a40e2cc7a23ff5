package sau.detection;

/**
 * Assigns ground-truth objects to default boxes, as in SSD's training: every default box takes
 * the object it overlaps most if that IoU is at least the threshold (0.5), and every object also
 * claims the one default box it overlaps most, whatever the IoU, so that no object, however
 * oddly shaped, goes without a positive. The rest are background.
 */
public final class Matcher {

    /**
     * The training targets of one image.
     *
     * @param labels the class of every default box: 0 for background, else the object's class + 1
     * @param offsets the encoded box of every positive default box ({@link Boxes#encode}); zeros for background
     * @param positives how many default boxes are not background
     */
    public record Targets(int[] labels, float[] offsets, int positives) {}

    private Matcher() {}

    /**
     * @param objects the image's objects as corner boxes
     * @param classes each object's class, 0-based (background is not a class here)
     * @param priors the default boxes in centre form
     * @param priorCorners the same boxes in corner form
     * @param threshold the IoU from which a default box is a positive
     */
    public static Targets match(float[] objects, int[] classes, float[] priors, float[] priorCorners, float threshold) {
        final int g = Boxes.count(objects), p = Boxes.count(priors);
        if (classes.length != g) throw new IllegalArgumentException(g + " boxes but " + classes.length + " classes");
        final int[] labels = new int[p];
        final float[] offsets = new float[4 * p];
        if (g == 0) return new Targets(labels, offsets, 0);
        final int[] bestObject = new int[p];
        final float[] bestIou = new float[p];
        final int[] bestPrior = new int[g];
        final float[] bestPriorIou = new float[g];
        java.util.Arrays.fill(bestPriorIou, -1f);
        for (int j = 0; j < p; j++) {
            float best = -1f;
            for (int o = 0; o < g; o++) {
                final float iou = Boxes.iou(priorCorners, j, objects, o);
                if (iou > best) {
                    best = iou;
                    bestObject[j] = o;
                }
                if (iou > bestPriorIou[o]) {
                    bestPriorIou[o] = iou;
                    bestPrior[o] = j;
                }
            }
            bestIou[j] = best;
        }
        // each object keeps its best default box, even below the threshold (a later object wins a shared one)
        for (int o = 0; o < g; o++) {
            bestObject[bestPrior[o]] = o;
            bestIou[bestPrior[o]] = 2f;
        }
        int positives = 0;
        for (int j = 0; j < p; j++) {
            if (bestIou[j] < threshold) continue;
            labels[j] = classes[bestObject[j]] + 1;
            Boxes.encode(objects, bestObject[j], priors, j, offsets, j);
            positives++;
        }
        return new Targets(labels, offsets, positives);
    }
}
