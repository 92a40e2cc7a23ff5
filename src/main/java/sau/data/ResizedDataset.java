package sau.data;

/**
 * Another image dataset with every image resized bilinearly to a new height and width (see
 * {@link Bilinear#resize}), for models that need a fixed input size: 28x28 Fashion-MNIST
 * stretched to 32x32 for VGG, for instance. {@link PaddedDataset} keeps the pixels sharp instead.
 */
public final class ResizedDataset extends DatasetView {

    private final ImageShape in;
    private final ImageShape out;

    public ResizedDataset(Dataset inner, int height, int width) {
        super(inner);
        this.in = ImageShape.of(inner);
        this.out = new ImageShape(in.channels(), height, width);
    }

    @Override
    public int[] sampleShape() {
        return out.toArray();
    }

    @Override
    public void sample(int index, float[] dst, int dstOffset) {
        final float[] image = new float[in.numel()];
        inner.sample(index, image, 0);
        Bilinear.resize(image, 0, in.channels(), in.height(), in.width(), dst, dstOffset, out.height(), out.width());
    }

    @Override
    public String toString() {
        return inner + " resized to " + out.height() + "x" + out.width();
    }
}
