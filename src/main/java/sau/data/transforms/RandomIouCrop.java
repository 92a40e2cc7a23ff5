package sau.data.transforms;

import sau.data.DetectionSample;
import sau.tensor.Generator;

/**
 * SSD's random crop: pick one of {keep the whole image, a crop overlapping some object by IoU ≥
 * 0.1, 0.3, 0.7 or 0.9, any crop}; then try up to 50 crops of 0.3 to 1 times the width and
 * height with an aspect ratio between ½ and 2, and take the first one that contains the centre of
 * at least one object and overlaps one of those objects enough. The objects whose centres fall
 * outside the crop are dropped; the others are clipped to it.
 */
public final class RandomIouCrop {

    private static final float[] MIN_IOU = {-1f, 0.1f, 0.3f, 0.7f, 0.9f, 0f}; // -1: keep the image
    private static final int TRIALS = 50;

    private RandomIouCrop() {}

    public static DetectionSample apply(DetectionSample s, Generator rng) {
        if (s.objects() == 0) return s;
        final int h = s.image().height(), w = s.image().width();
        final float[] boxes = s.boxes();
        for (int attempt = 0; attempt < TRIALS; attempt++) {
            final float minIou = MIN_IOU[rng.nextInt(MIN_IOU.length)];
            if (minIou < 0) return s;
            for (int t = 0; t < TRIALS; t++) {
                final int cw = Math.max(1, (int) PhotometricDistortion.uniform(rng, 0.3f * w, w));
                final int ch = Math.max(1, (int) PhotometricDistortion.uniform(rng, 0.3f * h, h));
                if (ch > 2f * cw || cw > 2f * ch) continue;
                final int left = (int) (rng.nextFloat() * (w - cw)), top = (int) (rng.nextFloat() * (h - ch));
                final boolean[] keep = new boolean[s.objects()];
                float bestIou = 0;
                boolean any = false;
                for (int i = 0; i < s.objects(); i++) {
                    final float cx = (boxes[4 * i] + boxes[4 * i + 2]) / 2, cy = (boxes[4 * i + 1] + boxes[4 * i + 3]) / 2;
                    keep[i] = cx > left && cx < left + cw && cy > top && cy < top + ch;
                    if (!keep[i]) continue;
                    any = true;
                    bestIou = Math.max(bestIou, sau.detection.Boxes.iou(new float[] {left, top, left + cw, top + ch}, 0, boxes, i));
                }
                if (!any || bestIou < minIou) continue;
                return crop(s, keep, left, top, cw, ch);
            }
        }
        return s;
    }

    private static DetectionSample crop(DetectionSample s, boolean[] keep, int left, int top, int cw, int ch) {
        final int h = s.image().height(), w = s.image().width();
        final float[] src = s.image().pixels(), out = new float[3 * ch * cw];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < ch; y++) System.arraycopy(src, (c * h + top + y) * w + left, out, (c * ch + y) * cw, cw);
        }
        final float[] b = s.boxes().clone();
        for (int i = 0; i < s.objects(); i++) {
            b[4 * i] = Math.max(b[4 * i] - left, 0);
            b[4 * i + 1] = Math.max(b[4 * i + 1] - top, 0);
            b[4 * i + 2] = Math.min(b[4 * i + 2] - left, cw);
            b[4 * i + 3] = Math.min(b[4 * i + 3] - top, ch);
        }
        return s.keep(keep, b, new DetectionSample.Image(out, ch, cw));
    }
}
