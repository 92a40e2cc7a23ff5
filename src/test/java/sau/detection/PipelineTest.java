package sau.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import sau.tensor.Tensor;

/**
 * The training targets and the inference path are inverses: an output that predicts exactly the
 * matched offsets, with a confident logit for the matched class, decodes back to the objects and
 * scores mAP 1; the multibox loss of it is near 0.
 */
class PipelineTest {

    @Test
    void perfectPredictionsOfTheMatchedTargetsScoreMapOne() {
        final DefaultBoxes d = DefaultBoxes.ssd300(new int[] {8, 4, 2, 1, 1, 1});
        final float[] priors = d.centres(), corners = Boxes.toCorners(priors);
        final int p = d.count(), classes = 4; // background + 3
        final float[][] objects = {{0.1f, 0.15f, 0.45f, 0.5f, 0.55f, 0.6f, 0.95f, 0.9f}, {0.3f, 0.05f, 0.5f, 0.3f}};
        final int[][] labels = {{0, 2}, {1}};
        final Matcher.Targets[] targets = new Matcher.Targets[2];
        final float[] out = new float[2 * p * (4 + classes)];
        for (int i = 0; i < 2; i++) {
            targets[i] = Matcher.match(objects[i], labels[i], priors, corners, 0.5f);
            for (int j = 0; j < p; j++) {
                final int row = (i * p + j) * (4 + classes);
                System.arraycopy(targets[i].offsets(), 4 * j, out, row, 4);
                out[row + 4 + targets[i].labels()[j]] = 20f; // background where unmatched
            }
        }
        final Tensor output = Tensor.of(out, 2, p, 4 + classes);
        final List<List<Detection>> found = Postprocess.SSD.detect(output, priors);
        final MeanAveragePrecision map = new MeanAveragePrecision(3);
        for (int i = 0; i < 2; i++) map.add(objects[i], labels[i], new boolean[labels[i].length], found.get(i));
        final MeanAveragePrecision.Result r = map.compute();
        assertEquals(1.0, r.mapAll(), 1e-9);
        assertEquals(1.0, r.map11(), 1e-9);
        // the most confident detection of image 0's class 2 object is the object itself
        final Detection best = found.get(0).stream().filter(x -> x.label() == 2).findFirst().orElseThrow();
        assertEquals(0.55f, best.x1(), 1e-5);
        assertEquals(0.9f, best.y2(), 1e-5);
        assertEquals(0.0, MultiboxLoss.of(output, targets, 3).item(), 1e-6);
    }
}
