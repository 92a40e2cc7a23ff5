package sau.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sau.autograd.GradCheck;
import sau.ops.Losses;
import sau.tensor.Generator;
import sau.tensor.Tensor;

class MultiboxLossTest {

    private static Matcher.Targets targets(int[] labels, float[] offsets) {
        int positives = 0;
        for (int l : labels) if (l > 0) positives++;
        return new Matcher.Targets(labels, offsets, positives);
    }

    /**
     * One positive (class 1; offsets predicted 0, target (0.5, 0, 2, 0): smooth L1 0.125 + 1.5)
     * with logits (0, 0): CE log 2; three negatives of background CE log 4, log 2 and ~0; with 1
     * negative per positive only the log-4 one is mined. Loss = (1.625 + log 2 + log 4) / 1.
     */
    @Test
    void valueOnAHandBuiltBatch() {
        final float ln3 = (float) Math.log(3);
        final Tensor out = Tensor.of(new float[] {
            0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, ln3,
            0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 20, 0}, 1, 4, 6);
        final Matcher.Targets t = targets(new int[] {1, 0, 0, 0}, new float[] {0.5f, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        final MultiboxLoss.Selection s = MultiboxLoss.select(out, new Matcher.Targets[] {t}, 1);
        assertArrayEquals(new float[] {1, 0, Losses.IGNORE_INDEX, Losses.IGNORE_INDEX}, s.classTargets());
        assertEquals(1.625 + Math.log(2) + Math.log(4), MultiboxLoss.loss(out, s).item(), 1e-5);
        // 3 per positive, but only 3 negatives exist: all are taken
        final MultiboxLoss.Selection all = MultiboxLoss.select(out, new Matcher.Targets[] {t}, 3);
        assertArrayEquals(new float[] {1, 0, 0, 0}, all.classTargets());
    }

    @Test
    void imagesWithoutObjectsMineNoNegatives() {
        final Tensor out = Tensor.randn(new Generator(3), 2, 5, 7);
        final Matcher.Targets empty = targets(new int[5], new float[20]);
        final Matcher.Targets one = targets(new int[] {0, 0, 2, 0, 0}, new float[20]);
        final MultiboxLoss.Selection s = MultiboxLoss.select(out, new Matcher.Targets[] {empty, one}, 3);
        int selected = 0;
        for (float c : s.classTargets()) if (c != Losses.IGNORE_INDEX) selected++;
        assertEquals(4, selected); // the positive and its 3 negatives, all in image 1
        for (int j = 0; j < 5; j++) assertEquals(Losses.IGNORE_INDEX, s.classTargets()[j]);
    }

    /** The gradient of the loss with the mined selection held fixed, against finite differences. */
    @Test
    void gradientCheck() {
        final Generator g = new Generator(11);
        final Tensor out = Tensor.randn(g, 2, 6, 7).requiresGrad(true);
        final float[] offsets = Tensor.randn(g, 24).toArray();
        final Matcher.Targets a = targets(new int[] {0, 2, 0, 0, 1, 0}, offsets);
        final Matcher.Targets b = targets(new int[] {0, 0, 0, 2, 0, 0}, offsets.clone());
        final MultiboxLoss.Selection s = MultiboxLoss.select(out, new Matcher.Targets[] {a, b}, 2);
        GradCheck.create().maxElementsPerInput(84).check(in -> MultiboxLoss.loss(in[0], s), out);
    }
}
