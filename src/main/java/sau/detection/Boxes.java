package sau.detection;

/**
 * Box arithmetic on flat float arrays. A box is four numbers in one of two forms:
 * <em>corners</em> {@code (x1, y1, x2, y2)} (top-left and bottom-right) or <em>centre</em>
 * {@code (cx, cy, w, h)}. Box {@code i} of an array is {@code a[4i .. 4i+3]}. Coordinates are
 * fractions of the image's width and height, so the same boxes fit any image size.
 */
public final class Boxes {

    /**
     * SSD's variances: the centre offsets are divided by 0.1 and the log size ratios by 0.2, so
     * that both targets have roughly unit spread and the smooth L1 loss weighs them alike.
     */
    public static final float CENTRE_VARIANCE = 0.1f;
    public static final float SIZE_VARIANCE = 0.2f;

    private Boxes() {}

    public static int count(float[] boxes) {
        if (boxes.length % 4 != 0) throw new IllegalArgumentException("a box array holds 4 numbers per box, got " + boxes.length);
        return boxes.length / 4;
    }

    /** The area of corner box {@code i}; 0 for a box with no extent. */
    public static float area(float[] corners, int i) {
        return Math.max(0f, corners[4 * i + 2] - corners[4 * i]) * Math.max(0f, corners[4 * i + 3] - corners[4 * i + 1]);
    }

    /** Intersection over union of corner boxes {@code a[i]} and {@code b[j]}: 0 when they are disjoint, 1 when equal. */
    public static float iou(float[] a, int i, float[] b, int j) {
        final float w = Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]);
        final float h = Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (w <= 0 || h <= 0) return 0f;
        final float inter = w * h;
        final float union = area(a, i) + area(b, j) - inter;
        return union <= 0 ? 0f : inter / union;
    }

    /** Centre boxes to corner boxes. */
    public static float[] toCorners(float[] centre) {
        final float[] out = new float[centre.length];
        for (int i = 0; i < count(centre); i++) {
            final float cx = centre[4 * i], cy = centre[4 * i + 1], hw = centre[4 * i + 2] / 2, hh = centre[4 * i + 3] / 2;
            out[4 * i] = cx - hw;
            out[4 * i + 1] = cy - hh;
            out[4 * i + 2] = cx + hw;
            out[4 * i + 3] = cy + hh;
        }
        return out;
    }

    /**
     * The regression target of corner box {@code gt[g]} relative to centre prior {@code prior[p]}:
     * {@code ((cx − p_cx)/(0.1·p_w), (cy − p_cy)/(0.1·p_h), log(w/p_w)/0.2, log(h/p_h)/0.2)},
     * written to {@code out[4o ..]}.
     */
    public static void encode(float[] gt, int g, float[] prior, int p, float[] out, int o) {
        final float w = gt[4 * g + 2] - gt[4 * g], h = gt[4 * g + 3] - gt[4 * g + 1];
        final float cx = gt[4 * g] + w / 2, cy = gt[4 * g + 1] + h / 2;
        final float pw = prior[4 * p + 2], ph = prior[4 * p + 3];
        out[4 * o] = (cx - prior[4 * p]) / (CENTRE_VARIANCE * pw);
        out[4 * o + 1] = (cy - prior[4 * p + 1]) / (CENTRE_VARIANCE * ph);
        out[4 * o + 2] = (float) Math.log(Math.max(w, 1e-6f) / pw) / SIZE_VARIANCE;
        out[4 * o + 3] = (float) Math.log(Math.max(h, 1e-6f) / ph) / SIZE_VARIANCE;
    }

    /**
     * The inverse of {@link #encode}: offsets {@code loc[4l ..]} applied to centre prior
     * {@code prior[p]}, written as a corner box to {@code out[4o ..]}.
     */
    public static void decode(float[] loc, int l, float[] prior, int p, float[] out, int o) {
        final float pw = prior[4 * p + 2], ph = prior[4 * p + 3];
        final float cx = prior[4 * p] + loc[4 * l] * CENTRE_VARIANCE * pw;
        final float cy = prior[4 * p + 1] + loc[4 * l + 1] * CENTRE_VARIANCE * ph;
        // exp of a wild prediction early in training would overflow to infinity; e^8 is already 3000× the prior
        final float w = pw * (float) Math.exp(Math.min(loc[4 * l + 2] * SIZE_VARIANCE, 8f));
        final float h = ph * (float) Math.exp(Math.min(loc[4 * l + 3] * SIZE_VARIANCE, 8f));
        out[4 * o] = cx - w / 2;
        out[4 * o + 1] = cy - h / 2;
        out[4 * o + 2] = cx + w / 2;
        out[4 * o + 3] = cy + h / 2;
    }
}
