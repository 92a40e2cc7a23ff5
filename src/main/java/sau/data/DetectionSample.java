package sau.data;

import java.util.Arrays;

/**
 * One image with its objects, as detection training sees it: the picture (RGB, CHW floats in
 * 0..255, any size) and, per object, its box in pixels as corners {@code (x1, y1, x2, y2)}, its
 * class (0-based) and whether it is marked difficult. Augmentation makes new samples from old
 * ones; {@link #resized} ends the chain with the square input the model takes, boxes then as
 * fractions of the image.
 */
public record DetectionSample(Image image, float[] boxes, int[] labels, boolean[] difficult) {

    /** Pixels, CHW, 3 channels. */
    public record Image(float[] pixels, int height, int width) {
        public Image {
            if (pixels.length != 3 * height * width) throw new IllegalArgumentException("an RGB image of " + height + "x" + width + " needs " + 3 * height * width + " values, got " + pixels.length);
        }
    }

    /** An image file at its own size, with no objects: what a detector is run on. */
    public static DetectionSample read(java.nio.file.Path file) {
        return new DetectionSample(ImageDecoder.decodeRgb(file), new float[0], new int[0], new boolean[0]);
    }

    public DetectionSample {
        if (boxes.length != 4 * labels.length || difficult.length != labels.length) {
            throw new IllegalArgumentException(boxes.length / 4 + " boxes, " + labels.length + " labels and " + difficult.length + " difficult flags");
        }
    }

    public int objects() {
        return labels.length;
    }

    /** Mirrored left–right, boxes too. */
    public DetectionSample flipped() {
        final int h = image.height(), w = image.width();
        final float[] src = image.pixels(), out = new float[src.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                final int row = (c * h + y) * w;
                for (int x = 0; x < w; x++) out[row + x] = src[row + w - 1 - x];
            }
        }
        final float[] b = boxes.clone();
        for (int i = 0; i < labels.length; i++) {
            b[4 * i] = w - boxes[4 * i + 2];
            b[4 * i + 2] = w - boxes[4 * i];
        }
        return new DetectionSample(new Image(out, h, w), b, labels, difficult);
    }

    /** A new image with new boxes ({@code newBoxes}, one per old object) of which only the objects flagged in {@code keep} stay. */
    public DetectionSample keep(boolean[] keep, float[] newBoxes, Image newImage) {
        int n = 0;
        for (boolean k : keep) if (k) n++;
        final float[] b = new float[4 * n];
        final int[] l = new int[n];
        final boolean[] d = new boolean[n];
        int j = 0;
        for (int i = 0; i < keep.length; i++) {
            if (!keep[i]) continue;
            System.arraycopy(newBoxes, 4 * i, b, 4 * j, 4);
            l[j] = labels[i];
            d[j++] = difficult[i];
        }
        return new DetectionSample(newImage, b, l, d);
    }

    /**
     * The image resized (bilinear) to {@code size × size} and normalised, channel by channel,
     * as {@code (v/255 − mean)/std}, written to {@code dst[offset ..]}; returns the boxes as
     * fractions of the image's width and height.
     */
    public float[] resizedInto(int size, Normalization norm, float[] dst, int offset) {
        Bilinear.resize(image.pixels(), 0, 3, image.height(), image.width(), dst, offset, size, size);
        final int plane = size * size;
        for (int c = 0; c < 3; c++) {
            final float mean = norm.mean()[c], std = norm.std()[c];
            for (int i = offset + c * plane; i < offset + (c + 1) * plane; i++) dst[i] = (dst[i] / 255f - mean) / std;
        }
        return normalisedBoxes();
    }

    /** The boxes as fractions of the image's width and height. */
    public float[] normalisedBoxes() {
        final float[] b = new float[boxes.length];
        for (int i = 0; i < labels.length; i++) {
            b[4 * i] = boxes[4 * i] / image.width();
            b[4 * i + 1] = boxes[4 * i + 1] / image.height();
            b[4 * i + 2] = boxes[4 * i + 2] / image.width();
            b[4 * i + 3] = boxes[4 * i + 3] / image.height();
        }
        return b;
    }

    @Override
    public String toString() {
        return "DetectionSample(" + image.height() + "x" + image.width() + ", boxes " + Arrays.toString(boxes) + ", labels " + Arrays.toString(labels) + ")";
    }
}
