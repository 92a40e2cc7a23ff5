package sau.data;

import java.util.Arrays;

/**
 * Another image dataset with a border of constant value added around every image, to reach a
 * larger height and width: MNIST's 28x28 digits padded by 2 on each side become the 32x32 that
 * VGG and LeNet-5 expect, without blurring them as a resize would. The border is split evenly,
 * the odd pixel going to the bottom or right.
 */
public final class PaddedDataset extends DatasetView {

    private final ImageShape in;
    private final ImageShape out;
    private final int top;
    private final int left;
    private final float fill;

    /**
     * @param fill the border's value as the inner dataset's samples see it: 0 is black for pixels
     *     in [0, 1], but a normalised dataset's black is {@code -mean/std}
     */
    public PaddedDataset(Dataset inner, int height, int width, float fill) {
        super(inner);
        this.in = ImageShape.of(inner);
        if (height < in.height() || width < in.width()) {
            throw new DataError("cannot pad " + inner + " from " + in.height() + "x" + in.width() + " to the smaller " + height + "x" + width);
        }
        this.out = new ImageShape(in.channels(), height, width);
        this.top = (height - in.height()) / 2;
        this.left = (width - in.width()) / 2;
        this.fill = fill;
    }

    @Override
    public int[] sampleShape() {
        return out.toArray();
    }

    @Override
    public void sample(int index, float[] dst, int dstOffset) {
        final float[] image = new float[in.numel()];
        inner.sample(index, image, 0);
        Arrays.fill(dst, dstOffset, dstOffset + out.numel(), fill);
        for (int c = 0; c < in.channels(); c++) {
            for (int y = 0; y < in.height(); y++) {
                System.arraycopy(image, c * in.plane() + y * in.width(),
                        dst, dstOffset + c * out.plane() + (y + top) * out.width() + left, in.width());
            }
        }
    }

    @Override
    public String toString() {
        return inner + " padded to " + out.height() + "x" + out.width();
    }
}
