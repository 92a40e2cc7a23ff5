package sau.data.transforms;

import java.util.Arrays;
import sau.data.DetectionSample;
import sau.tensor.Generator;

/**
 * SSD's "expand" (zoom out), with probability ½: the image is placed at a random position on a
 * canvas up to {@code maxRatio} times its width and height, filled with the mean colour; after
 * the final resize its objects are smaller, which teaches the model small objects.
 */
public record ZoomOut(float maxRatio, float[] fill) {

    public DetectionSample apply(DetectionSample s, Generator rng) {
        if (rng.nextFloat() >= 0.5f) return s;
        final float ratio = PhotometricDistortion.uniform(rng, 1, maxRatio);
        final int h = s.image().height(), w = s.image().width();
        final int ch = (int) (h * ratio), cw = (int) (w * ratio);
        final int top = (int) (rng.nextFloat() * (ch - h)), left = (int) (rng.nextFloat() * (cw - w));
        final float[] src = s.image().pixels(), out = new float[3 * ch * cw];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(out, c * ch * cw, (c + 1) * ch * cw, fill[c]);
            for (int y = 0; y < h; y++) System.arraycopy(src, (c * h + y) * w, out, (c * ch + top + y) * cw + left, w);
        }
        final float[] b = s.boxes().clone();
        for (int i = 0; i < s.objects(); i++) {
            b[4 * i] += left;
            b[4 * i + 2] += left;
            b[4 * i + 1] += top;
            b[4 * i + 3] += top;
        }
        return new DetectionSample(new DetectionSample.Image(out, ch, cw), b, s.labels(), s.difficult());
    }
}
