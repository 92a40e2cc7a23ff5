package sau.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeanAveragePrecisionTest {

    private static final float[] A = {0, 0, 10, 10};
    private static final float[] B = {20, 20, 30, 30};
    private static final float[] FAR = {50, 50, 60, 60};

    private static Detection det(int label, float score, float[] b) {
        return new Detection(label, score, b[0], b[1], b[2], b[3]);
    }

    /**
     * Class 0: one object in each of two images; detections hit (0.9), miss (0.8), hit (0.7).
     * Precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1. 11-point: six recall levels up to 0.5 see
     * precision 1 and five above see 2/3, (6 + 10/3)/11 = 28/33. All points: ½·1 + ½·⅔ = 5/6.
     */
    @Test
    void oneClassWithAMissInTheMiddle() {
        final MeanAveragePrecision m = new MeanAveragePrecision(1);
        m.add(A, new int[] {0}, new boolean[] {false}, List.of(det(0, 0.9f, A), det(0, 0.8f, FAR)));
        m.add(B, new int[] {0}, new boolean[] {false}, List.of(det(0, 0.7f, B)));
        final MeanAveragePrecision.Result r = m.compute();
        assertEquals(28.0 / 33, r.ap11()[0], 1e-12);
        assertEquals(5.0 / 6, r.apAll()[0], 1e-12);
        assertEquals(28.0 / 33, r.map11(), 1e-12);
    }

    /**
     * A difficult object and a detection on it change nothing (neither a hit nor a miss), while
     * a second detection of the same object is a false positive. Class 1 has an object it never
     * detects (AP 0); class 2 has no objects and is left out of the mean.
     */
    @Test
    void difficultObjectsAreIgnoredDuplicatesAreFalsePositives() {
        final MeanAveragePrecision m = new MeanAveragePrecision(3);
        final float[] boxes = {0, 0, 10, 10, 20, 20, 30, 30, 50, 50, 60, 60};
        m.add(boxes, new int[] {0, 0, 1}, new boolean[] {false, true, false},
                List.of(det(0, 0.95f, B), det(0, 0.9f, A), det(0, 0.8f, new float[] {0, 0, 10, 9}), det(2, 0.5f, FAR)));
        final MeanAveragePrecision.Result r = m.compute();
        // class 0 counts: hit (p 1, r 1), duplicate (p 1/2, r 1): both APs are 1
        assertEquals(1.0, r.ap11()[0], 1e-12);
        assertEquals(1.0, r.apAll()[0], 1e-12);
        assertEquals(0.0, r.ap11()[1]);
        assertEquals(0.0, r.apAll()[1]);
        assertTrue(Double.isNaN(r.ap11()[2]));
        assertEquals(0.5, r.map11(), 1e-12);
        assertEquals(0.5, r.mapAll(), 1e-12);

        // the same object not marked difficult: it now needs finding, and the detection on it is a hit ranked first
        final MeanAveragePrecision easy = new MeanAveragePrecision(3);
        easy.add(boxes, new int[] {0, 0, 1}, new boolean[] {false, false, false},
                List.of(det(0, 0.95f, B), det(0, 0.9f, A), det(0, 0.8f, new float[] {0, 0, 10, 9})));
        assertEquals(1.0, easy.compute().apAll()[0], 1e-12);
    }

    /**
     * Two objects, only the second-ranked detection finds one: precision 0, 1/2 at recall 0, 1/2.
     * 11-point: recall levels 0..0.5 see 1/2, the rest 0: 6·½/11 = 3/11. All points: ½·½ = 1/4.
     * IoU exactly 0.5 does not count (the devkit asks for more than 0.5).
     */
    @Test
    void lowRankedHitAndTheStrictIouThreshold() {
        final MeanAveragePrecision m = new MeanAveragePrecision(1);
        final float[] half = {0, 0, 10, 5}; // IoU with A exactly 0.5
        m.add(new float[] {0, 0, 10, 10, 20, 20, 30, 30}, new int[] {0, 0}, new boolean[] {false, false},
                List.of(det(0, 0.9f, half), det(0, 0.6f, B)));
        final MeanAveragePrecision.Result r = m.compute();
        assertEquals(3.0 / 11, r.ap11()[0], 1e-12);
        assertEquals(0.25, r.apAll()[0], 1e-12);
    }
}
