package sau.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import sau.backend.cpu.SoftmaxKernel;
import sau.tensor.Tensor;

/**
 * Turns SSD's raw outputs for one image into detections: decode every default box's offsets;
 * then, class by class, keep the boxes whose probability exceeds a threshold, take the
 * {@code candidates} most confident, and remove overlapping duplicates by non-maximum suppression
 * (a box is dropped when it overlaps a more confident kept box of the same class by more than
 * {@code nmsIou}); finally keep the {@code maxDetections} most confident over all classes.
 * torchvision's SSD defaults: threshold 0.01, NMS IoU 0.45, 400 candidates, 200 detections.
 */
public record Postprocess(float scoreThreshold, float nmsIou, int candidates, int maxDetections) {

    public static final Postprocess SSD = new Postprocess(0.01f, 0.45f, 400, 200);

    public Postprocess {
        if (!(scoreThreshold >= 0 && scoreThreshold < 1)) throw new IllegalArgumentException("score threshold must be in [0, 1), got " + scoreThreshold);
        if (!(nmsIou > 0 && nmsIou <= 1)) throw new IllegalArgumentException("NMS IoU must be in (0, 1], got " + nmsIou);
        if (candidates < 1 || maxDetections < 1) throw new IllegalArgumentException("candidates and max detections must be positive");
    }

    /**
     * The detections of every image of a batch of SSD outputs {@code [N, P, 4 + C]} (offsets,
     * then class logits), whose class probabilities are the softmax of the logits.
     */
    public List<List<Detection>> detect(Tensor output, float[] priors) {
        final int n = output.size(0), p = output.size(1), width = output.size(2), classes = width - 4;
        final float[] v = output.contiguousData().toArray();
        final List<List<Detection>> out = new ArrayList<>();
        final float[] logits = new float[p * classes], probs = new float[p * classes], loc = new float[4 * p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                final int row = (i * p + j) * width;
                System.arraycopy(v, row, loc, 4 * j, 4);
                System.arraycopy(v, row + 4, logits, j * classes, classes);
            }
            SoftmaxKernel.forward(logits, 0, probs, p, classes, false);
            out.add(apply(probs, 0, classes, loc, 0, priors));
        }
        return out;
    }

    /**
     * @param probs class probabilities {@code [P, C]} at {@code probs[probsOffset ..]}, class 0 the background
     * @param loc predicted offsets {@code [P, 4]} at {@code loc[locOffset ..]}
     * @param priors the P default boxes in centre form
     */
    public List<Detection> apply(float[] probs, int probsOffset, int classes, float[] loc, int locOffset, float[] priors) {
        final int p = Boxes.count(priors);
        final float[] boxes = new float[4 * p];
        final float[] offsets = Arrays.copyOfRange(loc, locOffset, locOffset + 4 * p);
        for (int j = 0; j < p; j++) Boxes.decode(offsets, j, priors, j, boxes, j);
        final List<Detection> all = new ArrayList<>();
        final float[] scores = new float[p];
        for (int c = 1; c < classes; c++) {
            int n = 0;
            final int[] idx = new int[p];
            for (int j = 0; j < p; j++) {
                scores[j] = probs[probsOffset + j * classes + c];
                if (scores[j] > scoreThreshold) idx[n++] = j;
            }
            final int[] kept = Nms.keep(boxes, scores, Arrays.copyOf(idx, n), nmsIou, candidates);
            for (int j : kept) {
                all.add(new Detection(c - 1, scores[j], clip(boxes[4 * j]), clip(boxes[4 * j + 1]), clip(boxes[4 * j + 2]), clip(boxes[4 * j + 3])));
            }
        }
        all.sort(Comparator.comparingDouble(d -> -d.score()));
        return all.size() > maxDetections ? new ArrayList<>(all.subList(0, maxDetections)) : all;
    }

    private static float clip(float v) {
        return Math.min(1f, Math.max(0f, v));
    }
}
