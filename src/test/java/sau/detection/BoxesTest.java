package sau.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BoxesTest {

    @Test
    void iouOfOverlappingDisjointAndEqualBoxes() {
        final float[] a = {0, 0, 2, 2}, b = {1, 1, 3, 3}, c = {5, 5, 6, 6};
        assertEquals(1f / 7, Boxes.iou(a, 0, b, 0), 1e-6);
        assertEquals(0f, Boxes.iou(a, 0, c, 0));
        assertEquals(1f, Boxes.iou(b, 0, b, 0), 1e-6);
        assertEquals(0.25f, Boxes.iou(new float[] {0, 0, 4, 4}, 0, new float[] {0, 0, 2, 2}, 0), 1e-6);
    }

    @Test
    void encodeUsesTheVariancesAndDecodeInvertsIt() {
        final float[] prior = {0.5f, 0.5f, 0.2f, 0.4f}; // centre form
        final float[] gt = {0.42f, 0.34f, 0.62f, 0.74f}; // centre (0.52, 0.54), size 0.2 × 0.4
        final float[] t = new float[4];
        Boxes.encode(gt, 0, prior, 0, t, 0);
        assertEquals(0.02 / (0.1 * 0.2), t[0], 1e-5);
        assertEquals(0.04 / (0.1 * 0.4), t[1], 1e-5);
        assertEquals(0f, t[2], 1e-5);
        assertEquals(0f, t[3], 1e-5);
        final float[] wide = {0.3f, 0.3f, 0.7f, 0.5f};
        Boxes.encode(wide, 0, prior, 0, t, 0);
        assertEquals(Math.log(2) / 0.2, t[2], 1e-5);
        assertEquals(Math.log(0.5) / 0.2, t[3], 1e-5);
        final float[] back = new float[4];
        Boxes.decode(t, 0, prior, 0, back, 0);
        assertArrayEquals(wide, back, 1e-6f);
    }

    @Test
    void ssd300HasThe8732DefaultBoxesInTheHeadsOrder() {
        final DefaultBoxes d = DefaultBoxes.ssd300(new int[] {38, 19, 10, 5, 3, 1});
        assertEquals(8732, d.count());
        final float[] c = d.centres();
        assertEquals(4 * 8732, c.length);
        // the first cell of the 38×38 map: square s=0.1, square √(0.1·0.2), then ratio 2 and 1/2
        assertArrayEquals(new float[] {0.5f / 38, 0.5f / 38, 0.1f, 0.1f}, java.util.Arrays.copyOfRange(c, 0, 4), 1e-6f);
        assertEquals((float) Math.sqrt(0.02), c[6], 1e-6);
        assertEquals((float) (0.1 * Math.sqrt(2)), c[10], 1e-6);
        assertEquals((float) (0.1 / Math.sqrt(2)), c[11], 1e-6);
        // the second cell moves right by one cell
        assertEquals(1.5f / 38, c[16], 1e-6);
        // the last box: the 1×1 map, ratio 1/2 of scale 0.88 (height 0.88·√2 clipped to 1)
        final int last = 4 * 8731;
        assertArrayEquals(new float[] {0.5f, 0.5f, (float) (0.88 / Math.sqrt(2)), 1f}, java.util.Arrays.copyOfRange(c, last, last + 4), 1e-6f);
    }

    @Test
    void matchingTakesIouAboveTheThresholdAndForcesEachObjectsBestBox() {
        final float[] priors = {0.25f, 0.25f, 0.5f, 0.5f, 0.75f, 0.75f, 0.5f, 0.5f, 0.3f, 0.3f, 0.4f, 0.4f, 0.9f, 0.1f, 0.1f, 0.1f};
        final float[] corners = Boxes.toCorners(priors);
        // object 0 equals prior 0 and overlaps prior 2 by 0.64 (0.4² inside 0.5²): both positive
        // object 1 is a thin box overlapping prior 3 only a little: still forced onto it
        final float[] objects = {0, 0, 0.5f, 0.5f, 0.86f, 0.06f, 0.9f, 0.14f};
        final Matcher.Targets t = Matcher.match(objects, new int[] {4, 7}, priors, corners, 0.5f);
        assertArrayEquals(new int[] {5, 0, 5, 8}, t.labels());
        assertEquals(3, t.positives());
        assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(t.offsets(), 0, 4), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0, 0}, java.util.Arrays.copyOfRange(t.offsets(), 4, 8));
        assertEquals((0.88f - 0.9f) / (0.1f * 0.1f), t.offsets()[12], 1e-4);
    }

    @Test
    void nmsDropsOverlapsOfMoreConfidentBoxesOnly() {
        final float[] boxes = {0, 0, 1, 1, 0, 0, 1, 0.9f, 0, 0, 1, 0.3f, 2, 2, 3, 3};
        final float[] scores = {0.5f, 0.9f, 0.4f, 0.8f};
        assertArrayEquals(new int[] {1, 3, 2}, Nms.keep(boxes, scores, new int[] {0, 1, 2, 3}, 0.45f, 10));
        assertArrayEquals(new int[] {1, 3}, Nms.keep(boxes, scores, new int[] {0, 1, 2, 3}, 0.45f, 2));
    }

    @Test
    void postprocessThresholdsDecodesAndSuppressesPerClass() {
        final float[] priors = {0.25f, 0.25f, 0.5f, 0.5f, 0.27f, 0.25f, 0.5f, 0.5f, 0.75f, 0.75f, 0.5f, 0.5f};
        // 3 classes (background, a, b); prior 0 and 1 both say class a (1 duplicates 0), prior 2 says b weakly
        final float[] probs = {0.1f, 0.9f, 0.0f, 0.2f, 0.8f, 0.0f, 0.995f, 0.0f, 0.005f};
        final float[] loc = new float[12];
        final var dets = new Postprocess(0.01f, 0.45f, 400, 200).apply(probs, 0, 3, loc, 0, priors);
        assertEquals(1, dets.size());
        assertEquals(0, dets.get(0).label());
        assertEquals(0.9f, dets.get(0).score());
        assertArrayEquals(new float[] {0, 0, 0.5f, 0.5f}, dets.get(0).box(), 1e-6f);
        final var low = new Postprocess(0.001f, 0.45f, 400, 200).apply(probs, 0, 3, loc, 0, priors);
        assertEquals(2, low.size());
        assertEquals(1, low.get(1).label());
    }
}
