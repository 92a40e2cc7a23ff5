package sau.data.transforms;

import sau.data.Bilinear;
import sau.data.DataError;
import sau.data.ImageShape;
import sau.data.SampleTransform;
import sau.tensor.Generator;

/**
 * The geometric augmentations of Keras' {@code ImageDataGenerator} (rotation, width and height
 * shift, shear, zoom) as one affine warp, which is what Keras does too: composing them first and
 * resampling once blurs the image less than resampling after each.
 *
 * <p>Per image it draws, uniformly and in this order, an angle θ in ±{@code rotation} degrees,
 * shifts in ±{@code widthShift}·width and ±{@code heightShift}·height pixels, a shear angle s in
 * ±{@code shear} degrees, and zoom factors z<sub>x</sub>, z<sub>y</sub> in 1 ± {@code zoom}, each
 * independently. Then, with coordinates {@code (x, y)} = (column, row) measured from the image's
 * centre, every output pixel {@code o} takes the value of the input at
 *
 * <pre>
 *   i = R(θ) · (Sh(s) · Z · o + t),   R = [cos θ  −sin θ]   Sh = [1  −sin s]   Z = [z_x  0 ]   t = [t_x]
 *                                         [sin θ   cos θ]        [0   cos s]       [0   z_y]       [t_y]
 * </pre>
 *
 * (Keras' product of rotation, shift, shear and zoom matrices, used as it uses it: mapping output
 * to input.) The input is read with {@link Bilinear#sample} and points outside it take
 * {@code fill}. A positive θ turns the picture counter-clockwise, a zoom factor above 1 makes it
 * smaller, a positive shift moves it left or up. With every range 0 the warp is the identity.
 */
public final class RandomAffine implements SampleTransform {

    /** One draw of the warp's parameters: degrees, pixels and factors. */
    public record Params(double rotation, double shiftX, double shiftY, double shear, double zoomX, double zoomY) {
        /** The warp that leaves the image as it is. */
        public static final Params IDENTITY = new Params(0, 0, 0, 0, 1, 1);
    }

    private final ImageShape shape;
    private final double rotation;
    private final double widthShift;
    private final double heightShift;
    private final double shear;
    private final double zoom;
    private final float fill;

    /**
     * @param rotation the largest rotation, in degrees (Keras' {@code rotation_range})
     * @param widthShift the largest horizontal shift, as a fraction of the width ({@code width_shift_range})
     * @param heightShift the largest vertical shift, as a fraction of the height ({@code height_shift_range})
     * @param shear the largest shear angle, in degrees ({@code shear_range})
     * @param zoom zoom factors are drawn from [1 - zoom, 1 + zoom] ({@code zoom_range})
     * @param fill the value of pixels that come from outside the input ({@code fill_mode="constant"}, {@code cval})
     */
    public RandomAffine(ImageShape shape, double rotation, double widthShift, double heightShift, double shear, double zoom, float fill) {
        check("rotation", rotation, 180);
        check("width shift", widthShift, 1);
        check("height shift", heightShift, 1);
        check("shear", shear, 90);
        if (!(zoom >= 0 && zoom < 1)) throw new DataError("RandomAffine: zoom range must be in [0, 1), got " + zoom);
        this.shape = shape;
        this.rotation = rotation;
        this.widthShift = widthShift;
        this.heightShift = heightShift;
        this.shear = shear;
        this.zoom = zoom;
        this.fill = fill;
    }

    private static void check(String what, double value, double max) {
        if (!(value >= 0 && value <= max)) throw new DataError("RandomAffine: " + what + " range must be in [0, " + max + "], got " + value);
    }

    @Override
    public void apply(float[] sample, int offset, Generator rng) {
        warp(sample, offset, draw(rng));
    }

    /** The parameters of one image's warp, drawn from {@code rng}. */
    public Params draw(Generator rng) {
        final double theta = symmetric(rng, rotation);
        final double tx = symmetric(rng, widthShift) * shape.width();
        final double ty = symmetric(rng, heightShift) * shape.height();
        final double s = symmetric(rng, shear);
        final double zx = 1 + symmetric(rng, zoom);
        final double zy = 1 + symmetric(rng, zoom);
        return new Params(theta, tx, ty, s, zx, zy);
    }

    /** Uniform in [-range, range]. */
    private static double symmetric(Generator rng, double range) {
        return (2 * rng.nextDouble() - 1) * range;
    }

    /** Applies the warp described by {@code p} to the image in place. */
    public void warp(float[] sample, int offset, Params p) {
        final int h = shape.height();
        final int w = shape.width();
        final double cx = (w - 1) / 2.0;
        final double cy = (h - 1) / 2.0;
        final double theta = Math.toRadians(p.rotation());
        final double cos = Math.cos(theta), sin = Math.sin(theta);
        final double shearAngle = Math.toRadians(p.shear());
        final double shearX = -Math.sin(shearAngle), shearY = Math.cos(shearAngle);
        final float[] src = new float[shape.numel()];
        System.arraycopy(sample, offset, src, 0, src.length);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Zoom, shear and shift the centred output point, then rotate it: the input point.
                final double zx = p.zoomX() * (x - cx);
                final double zy = p.zoomY() * (y - cy);
                final double u = zx + shearX * zy + p.shiftX();
                final double v = shearY * zy + p.shiftY();
                final double ix = cx + cos * u - sin * v;
                final double iy = cy + sin * u + cos * v;
                for (int c = 0; c < shape.channels(); c++) {
                    sample[offset + c * h * w + y * w + x] = Bilinear.sample(src, c * h * w, h, w, iy, ix, fill);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "RandomAffine(rotation " + rotation + ", width shift " + widthShift + ", height shift " + heightShift + ", shear " + shear
                + ", zoom " + zoom + ", fill " + fill + ")";
    }
}
