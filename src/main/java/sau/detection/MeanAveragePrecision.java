package sau.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pascal VOC's detection score. Detections of a class, over all images, are sorted by
 * confidence; each is a true positive when it overlaps an object of its class in its image by an
 * IoU above 0.5 that no more confident detection has claimed, and a false positive otherwise (a
 * second hit on one object is a false positive). As in VOC's devkit, an object marked
 * {@code difficult} does not count among the objects to find, and a detection whose best match is
 * a difficult object is neither a true nor a false positive.
 *
 * <p>Walking down the sorted list gives precision p and recall r at every rank; the class's
 * average precision (AP) is the area under that curve, in two definitions:
 * <ul>
 * <li>VOC2007's 11-point AP: the mean over r₀ ∈ {0, 0.1, ..., 1} of the highest precision at a
 *     recall ≥ r₀;
 * <li>VOC2010+'s all-points AP: the exact area under the curve after making precision
 *     non-increasing (each p replaced by the highest precision at that recall or beyond).
 * </ul>
 * mAP is the mean AP over the classes that have at least one non-difficult object.
 * Boxes may be in any units, as long as objects and detections use the same ones.
 */
public final class MeanAveragePrecision {

    /** The two APs of each class (NaN for a class without objects) and their means. */
    public record Result(double[] ap11, double[] apAll, double map11, double mapAll) {}

    private record Scored(int image, float score, float[] box) {}

    private final int classes;
    private final List<List<Scored>> detections = new ArrayList<>();
    /** Per image, per class: the objects' corner boxes and difficult flags. */
    private final List<float[][]> objectBoxes = new ArrayList<>();
    private final List<boolean[][]> objectDifficult = new ArrayList<>();
    private final int[] positives;

    public MeanAveragePrecision(int classes) {
        this.classes = classes;
        this.positives = new int[classes];
        for (int c = 0; c < classes; c++) detections.add(new ArrayList<>());
    }

    /**
     * Adds one image: its objects (corner boxes, 0-based classes, difficult flags) and the
     * detections made on it.
     */
    public void add(float[] boxes, int[] labels, boolean[] difficult, List<Detection> found) {
        final int image = objectBoxes.size();
        final int n = Boxes.count(boxes);
        if (labels.length != n || difficult.length != n) throw new IllegalArgumentException(n + " boxes, " + labels.length + " labels, " + difficult.length + " difficult flags");
        final float[][] perClass = new float[classes][];
        final boolean[][] hard = new boolean[classes][];
        for (int c = 0; c < classes; c++) {
            int k = 0;
            for (int l : labels) if (l == c) k++;
            perClass[c] = new float[4 * k];
            hard[c] = new boolean[k];
        }
        final int[] filled = new int[classes];
        for (int i = 0; i < n; i++) {
            final int c = labels[i];
            if (c < 0 || c >= classes) throw new IllegalArgumentException("object class " + c + " is outside 0.." + (classes - 1));
            System.arraycopy(boxes, 4 * i, perClass[c], 4 * filled[c], 4);
            hard[c][filled[c]++] = difficult[i];
            if (!difficult[i]) positives[c]++;
        }
        objectBoxes.add(perClass);
        objectDifficult.add(hard);
        for (Detection d : found) {
            if (d.label() < 0 || d.label() >= classes) throw new IllegalArgumentException("detection class " + d.label() + " is outside 0.." + (classes - 1));
            detections.get(d.label()).add(new Scored(image, d.score(), d.box()));
        }
    }

    public Result compute() {
        final double[] ap11 = new double[classes], apAll = new double[classes];
        double sum11 = 0, sumAll = 0;
        int counted = 0;
        for (int c = 0; c < classes; c++) {
            if (positives[c] == 0) {
                ap11[c] = apAll[c] = Double.NaN;
                continue;
            }
            final double[][] pr = precisionRecall(c);
            ap11[c] = elevenPoint(pr[0], pr[1]);
            apAll[c] = allPoints(pr[0], pr[1]);
            sum11 += ap11[c];
            sumAll += apAll[c];
            counted++;
        }
        return new Result(ap11, apAll, counted == 0 ? Double.NaN : sum11 / counted, counted == 0 ? Double.NaN : sumAll / counted);
    }

    /** {precision, recall} after each counted detection of class c, most confident first. */
    private double[][] precisionRecall(int c) {
        final List<Scored> dets = new ArrayList<>(detections.get(c));
        dets.sort((a, b) -> Float.compare(b.score(), a.score())); // stable: ties keep their order
        final List<boolean[]> claimed = new ArrayList<>();
        for (float[][] img : objectBoxes) claimed.add(new boolean[img[c].length / 4]);
        final double[] precision = new double[dets.size()], recall = new double[dets.size()];
        int tp = 0, fp = 0, k = 0;
        for (Scored d : dets) {
            final float[] objects = objectBoxes.get(d.image())[c];
            int best = -1;
            float bestIou = 0;
            for (int o = 0; o < objects.length / 4; o++) {
                final float iou = Boxes.iou(d.box(), 0, objects, o);
                if (iou > bestIou) {
                    bestIou = iou;
                    best = o;
                }
            }
            if (best >= 0 && bestIou > 0.5f) {
                if (objectDifficult.get(d.image())[c][best]) continue; // ignored, as the devkit does
                if (!claimed.get(d.image())[best]) {
                    claimed.get(d.image())[best] = true;
                    tp++;
                } else {
                    fp++;
                }
            } else {
                fp++;
            }
            precision[k] = (double) tp / (tp + fp);
            recall[k] = (double) tp / positives[c];
            k++;
        }
        return new double[][] {Arrays.copyOf(precision, k), Arrays.copyOf(recall, k)};
    }

    /** VOC2007: the mean of the best precision at recall ≥ 0, 0.1, ..., 1 (0 where that recall is never reached). */
    static double elevenPoint(double[] precision, double[] recall) {
        double sum = 0;
        for (int t = 0; t <= 10; t++) {
            double best = 0;
            for (int i = 0; i < recall.length; i++) if (recall[i] >= t / 10.0 - 1e-12) best = Math.max(best, precision[i]);
            sum += best;
        }
        return sum / 11;
    }

    /** VOC2010+: Σ (r_{i} − r_{i−1})·p̂_i, with p̂ the precision made non-increasing from the right and r_0 = 0. */
    static double allPoints(double[] precision, double[] recall) {
        final int n = precision.length;
        final double[] envelope = new double[n];
        double running = 0;
        for (int i = n - 1; i >= 0; i--) {
            running = Math.max(running, precision[i]);
            envelope[i] = running;
        }
        double area = 0, previous = 0;
        for (int i = 0; i < n; i++) {
            area += (recall[i] - previous) * envelope[i];
            previous = recall[i];
        }
        return area;
    }
}
