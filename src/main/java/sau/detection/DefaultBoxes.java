package sau.detection;

import java.util.Arrays;

/**
 * SSD's default boxes ("priors", "anchors"): at every cell of every feature map the network
 * predicts, a fixed set of boxes centred on the cell, of the map's scale and a few aspect ratios.
 * The network's outputs are offsets and class scores relative to these boxes.
 *
 * <p>For feature map k of size f_k with scale s_k (a fraction of the image), cell (i, j) has the
 * centre ((j + 0.5)/f_k, (i + 0.5)/f_k) and the boxes, in this order: a square of side s_k, a
 * square of side √(s_k·s_{k+1}), and for every aspect ratio r of the map the pair
 * (s_k·√r × s_k/√r) and (s_k/√r × s_k·√r). Ratios {2} give 4 boxes per cell, {2, 3} give 6.
 * Cells are visited row by row and maps from the finest to the coarsest, the order in which the
 * model's heads lay out their predictions. Like the reference implementations, each of
 * (cx, cy, w, h) is clipped to [0, 1].
 *
 * @param featureSizes the side of each square feature map, finest first
 * @param scales one scale per map plus one more, s_{m+1}, for the last map's second square
 * @param aspectRatios the ratios (besides 1) of each map
 */
public record DefaultBoxes(int[] featureSizes, double[] scales, int[][] aspectRatios) {

    /** The SSD300 VOC scales of the original Caffe and ssd.pytorch models: 30, 60, 111, 162, 213, 264 and 315 pixels of 300. */
    public static final double[] SSD300_SCALES = {0.1, 0.2, 0.37, 0.54, 0.71, 0.88, 1.05};

    public static final int[][] SSD300_ASPECT_RATIOS = {{2}, {2, 3}, {2, 3}, {2, 3}, {2}, {2}};

    public DefaultBoxes {
        if (scales.length != featureSizes.length + 1 || aspectRatios.length != featureSizes.length) {
            throw new IllegalArgumentException(featureSizes.length + " feature maps need " + (featureSizes.length + 1) + " scales and "
                    + featureSizes.length + " aspect-ratio lists, got " + scales.length + " and " + aspectRatios.length);
        }
        featureSizes = featureSizes.clone();
        scales = scales.clone();
        aspectRatios = Arrays.stream(aspectRatios).map(int[]::clone).toArray(int[][]::new);
    }

    /** SSD300's boxes for feature maps of the given sizes (38, 19, 10, 5, 3, 1 at 300×300). */
    public static DefaultBoxes ssd300(int[] featureSizes) {
        return new DefaultBoxes(featureSizes, SSD300_SCALES, SSD300_ASPECT_RATIOS);
    }

    /** Boxes per cell of map k: 2 squares and 2 per aspect ratio. */
    public int boxesPerCell(int k) {
        return 2 + 2 * aspectRatios[k].length;
    }

    public int count() {
        int n = 0;
        for (int k = 0; k < featureSizes.length; k++) n += featureSizes[k] * featureSizes[k] * boxesPerCell(k);
        return n;
    }

    /** Every default box in centre form {@code (cx, cy, w, h)}, 4 floats each. */
    public float[] centres() {
        final float[] out = new float[4 * count()];
        int o = 0;
        for (int k = 0; k < featureSizes.length; k++) {
            final int f = featureSizes[k];
            final double s = scales[k], between = Math.sqrt(scales[k] * scales[k + 1]);
            for (int i = 0; i < f; i++) {
                for (int j = 0; j < f; j++) {
                    final double cx = (j + 0.5) / f, cy = (i + 0.5) / f;
                    o = put(out, o, cx, cy, s, s);
                    o = put(out, o, cx, cy, between, between);
                    for (int r : aspectRatios[k]) {
                        final double root = Math.sqrt(r);
                        o = put(out, o, cx, cy, s * root, s / root);
                        o = put(out, o, cx, cy, s / root, s * root);
                    }
                }
            }
        }
        return out;
    }

    private static int put(float[] out, int o, double cx, double cy, double w, double h) {
        out[o] = clip(cx);
        out[o + 1] = clip(cy);
        out[o + 2] = clip(w);
        out[o + 3] = clip(h);
        return o + 4;
    }

    private static float clip(double v) {
        return (float) Math.min(1, Math.max(0, v));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DefaultBoxes d && Arrays.equals(featureSizes, d.featureSizes) && Arrays.equals(scales, d.scales)
                && Arrays.deepEquals(aspectRatios, d.aspectRatios);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(featureSizes) * 31 + Arrays.hashCode(scales) * 17 + Arrays.deepHashCode(aspectRatios);
    }

    @Override
    public String toString() {
        return "DefaultBoxes(" + Arrays.toString(featureSizes) + ", scales " + Arrays.toString(scales) + ", ratios " + Arrays.deepToString(aspectRatios) + ")";
    }
}
