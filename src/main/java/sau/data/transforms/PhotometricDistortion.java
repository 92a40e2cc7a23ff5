package sau.data.transforms;

import sau.data.DetectionSample;
import sau.tensor.Generator;

/**
 * SSD's colour augmentation (ssd.pytorch's {@code PhotometricDistort}; torchvision's
 * {@code RandomPhotometricDistort}), each step with probability ½, on pixels in 0..255:
 * brightness (add U(−32, 32)); contrast (multiply by U(0.5, 1.5)), either first or last;
 * saturation (multiply HSV's S by U(0.5, 1.5)); hue (shift H by U(−18°, 18°)); and a random
 * permutation of the colour channels. Boxes are unchanged.
 */
public final class PhotometricDistortion {

    private PhotometricDistortion() {}

    public static DetectionSample apply(DetectionSample s, Generator rng) {
        final float[] p = s.image().pixels().clone();
        final int plane = s.image().height() * s.image().width();
        if (rng.nextFloat() < 0.5f) {
            final float delta = uniform(rng, -32, 32);
            for (int i = 0; i < p.length; i++) p[i] += delta;
        }
        final boolean contrastFirst = rng.nextFloat() < 0.5f;
        if (contrastFirst) contrast(p, rng);
        final boolean saturate = rng.nextFloat() < 0.5f, shiftHue = rng.nextFloat() < 0.5f;
        final float saturation = saturate ? uniform(rng, 0.5f, 1.5f) : 1f, hue = shiftHue ? uniform(rng, -18, 18) : 0f;
        if (saturate || shiftHue) {
            final float[] hsv = new float[3];
            for (int i = 0; i < plane; i++) {
                toHsv(clamp(p[i]), clamp(p[plane + i]), clamp(p[2 * plane + i]), hsv);
                hsv[0] = ((hsv[0] + hue) % 360 + 360) % 360;
                hsv[1] = Math.min(1f, hsv[1] * saturation);
                toRgb(hsv, p, i, plane);
            }
        }
        if (!contrastFirst) contrast(p, rng);
        if (rng.nextFloat() < 0.5f) {
            final int[] order = rng.permutation(3);
            final float[] copy = p.clone();
            for (int c = 0; c < 3; c++) System.arraycopy(copy, order[c] * plane, p, c * plane, plane);
        }
        for (int i = 0; i < p.length; i++) p[i] = clamp(p[i]);
        return new DetectionSample(new DetectionSample.Image(p, s.image().height(), s.image().width()), s.boxes(), s.labels(), s.difficult());
    }

    private static void contrast(float[] p, Generator rng) {
        if (rng.nextFloat() >= 0.5f) return;
        final float alpha = uniform(rng, 0.5f, 1.5f);
        for (int i = 0; i < p.length; i++) p[i] *= alpha;
    }

    static float uniform(Generator rng, float lo, float hi) {
        return lo + (hi - lo) * rng.nextFloat();
    }

    private static float clamp(float v) {
        return Math.min(255f, Math.max(0f, v));
    }

    /** RGB in 0..255 to hue in degrees [0, 360), saturation and value in [0, 1] (value kept in 0..255 units / 255). */
    private static void toHsv(float r, float g, float b, float[] hsv) {
        final float max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b)), d = max - min;
        float h;
        if (d == 0) h = 0;
        else if (max == r) h = 60 * (((g - b) / d) % 6);
        else if (max == g) h = 60 * ((b - r) / d + 2);
        else h = 60 * ((r - g) / d + 4);
        hsv[0] = h < 0 ? h + 360 : h;
        hsv[1] = max == 0 ? 0 : d / max;
        hsv[2] = max;
    }

    private static void toRgb(float[] hsv, float[] p, int i, int plane) {
        final float v = hsv[2], c = v * hsv[1], hp = hsv[0] / 60, x = c * (1 - Math.abs(hp % 2 - 1)), m = v - c;
        final float r, g, b;
        switch ((int) hp) {
            case 0 -> { r = c; g = x; b = 0; }
            case 1 -> { r = x; g = c; b = 0; }
            case 2 -> { r = 0; g = c; b = x; }
            case 3 -> { r = 0; g = x; b = c; }
            case 4 -> { r = x; g = 0; b = c; }
            default -> { r = c; g = 0; b = x; }
        }
        p[i] = r + m;
        p[plane + i] = g + m;
        p[2 * plane + i] = b + m;
    }
}
