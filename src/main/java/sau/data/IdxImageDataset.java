package sau.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MNIST or Fashion-MNIST: grey-scale images with one class label each, read from the four
 * standard IDX files in a directory.
 *
 * <pre>
 *   train-images-idx3-ubyte.gz   train-labels-idx1-ubyte.gz
 *   t10k-images-idx3-ubyte.gz    t10k-labels-idx1-ubyte.gz
 * </pre>
 *
 * (The files may also be unpacked, without {@code .gz}.) The whole split is decoded into memory
 * as bytes, 47 MB for the 60,000 training images; a sample becomes floats only when the loader
 * asks for it. A pixel's byte {@code b} becomes {@code (b/255 - mean) / std}: with the defaults
 * (mean 0, std 1) pixels lie in [0, 1]; with the dataset's own {@link Kind#mean()} and
 * {@link Kind#std()} they have roughly zero mean and unit variance, which helps training.
 */
public final class IdxImageDataset implements Dataset {

    /** Which of the two datasets the directory holds: it decides the class names and the advice in errors. */
    public enum Kind {
        MNIST("MNIST", "datasets/fetch-mnist.sh",
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 0.1307f, 0.3081f),
        FASHION_MNIST("Fashion-MNIST", "datasets/fetch-fashion-mnist.sh",
                List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
                0.2860f, 0.3530f);

        private final String title;
        private final String fetchScript;
        private final List<String> classNames;
        private final float mean;
        private final float std;

        Kind(String title, String fetchScript, List<String> classNames, float mean, float std) {
            this.title = title;
            this.fetchScript = fetchScript;
            this.classNames = classNames;
            this.mean = mean;
            this.std = std;
        }

        public List<String> classNames() {
            return classNames;
        }

        /** The script in the repository that downloads the full dataset. */
        public String fetchScript() {
            return fetchScript;
        }

        /** The mean pixel value (in [0, 1]) of the training set, the usual normalisation constant. */
        public float mean() {
            return mean;
        }

        /** The standard deviation of the training set's pixel values, the usual normalisation constant. */
        public float std() {
            return std;
        }

        @Override
        public String toString() {
            return title;
        }
    }

    private final Kind kind;
    private final Split split;
    private final Path dir;
    private final int size;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final byte[] labels;
    /** The float value of every possible byte, so that decoding a pixel is one array lookup. */
    private final float[] byteToFloat = new float[256];

    /** All images of a split, pixels in [0, 1]. */
    public IdxImageDataset(Path dir, Kind kind, Split split) {
        this(dir, kind, split, 0, 0f, 1f);
    }

    /**
     * @param limit use only the first {@code limit} images of the split (0: all of them)
     * @param mean subtracted from every pixel after scaling it to [0, 1]
     * @param std the scaled pixel, less the mean, is divided by it
     */
    public IdxImageDataset(Path dir, Kind kind, Split split, int limit, float mean, float std) {
        if (!(std > 0)) throw new DataError(kind + ": normalisation std must be positive, got " + std);
        this.kind = kind;
        this.split = split;
        this.dir = dir;
        final String remedy = "get " + kind + " with " + kind.fetchScript() + " (see datasets/README.md)";
        if (!Files.isDirectory(dir)) throw new DataError(dir + ": no such directory; " + remedy);

        final String prefix = split == Split.TRAIN ? "train" : "t10k";
        final Path imageFile = find(dir.resolve(prefix + "-images-idx3-ubyte"));
        final Path labelFile = find(dir.resolve(prefix + "-labels-idx1-ubyte"));
        final Idx.Data images = Idx.read(imageFile, remedy);
        final Idx.Data labels = Idx.read(labelFile, remedy);
        if (images.dims().length != 3) {
            throw new DataError(imageFile + ": holds an IDX array of shape " + Idx.describe(images.dims())
                    + ", but images need 3 dimensions (count x height x width)");
        }
        if (labels.dims().length != 1) {
            throw new DataError(labelFile + ": holds an IDX array of shape " + Idx.describe(labels.dims())
                    + ", but labels need 1 dimension (count)");
        }
        if (images.count() != labels.count()) {
            throw new DataError(dir + ": " + imageFile.getFileName() + " holds " + images.count() + " images but "
                    + labelFile.getFileName() + " holds " + labels.count() + " labels; " + remedy);
        }
        if (limit < 0 || limit > images.count()) {
            throw new DataError(kind + " " + split + " in " + dir + " has " + images.count() + " images, so limit " + limit
                    + " is out of range (use 0 for all of them)");
        }
        this.size = limit == 0 ? images.count() : limit;
        this.height = images.dims()[1];
        this.width = images.dims()[2];
        this.pixels = images.data();
        this.labels = labels.data();
        final int classes = kind.classNames().size();
        for (int i = 0; i < size; i++) {
            final int label = this.labels[i] & 0xff;
            if (label >= classes) {
                throw new DataError(labelFile + ": label " + i + " is " + label + ", but " + kind + " has only " + classes + " classes; " + remedy);
            }
        }
        for (int b = 0; b < 256; b++) byteToFloat[b] = (b / 255f - mean) / std;
    }

    /** The gzip-compressed file if it is there, else the unpacked one; the .gz name if neither is, for the error. */
    private static Path find(Path unpacked) {
        final Path gz = unpacked.resolveSibling(unpacked.getFileName() + ".gz");
        return Files.exists(gz) || !Files.exists(unpacked) ? gz : unpacked;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {1, height, width};
    }

    @Override
    public int numClasses() {
        return kind.classNames().size();
    }

    @Override
    public List<String> classNames() {
        return kind.classNames();
    }

    @Override
    public void sample(int index, float[] dst, int dstOffset) {
        final int n = height * width;
        final int src = checkIndex(index) * n;
        for (int i = 0; i < n; i++) dst[dstOffset + i] = byteToFloat[pixels[src + i] & 0xff];
    }

    @Override
    public int label(int index) {
        return labels[checkIndex(index)] & 0xff;
    }

    private int checkIndex(int index) {
        // The arrays may hold more samples than the limit lets us use, so they would not catch this.
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("sample " + index + " of a dataset of " + size);
        return index;
    }

    @Override
    public String toString() {
        return kind + " " + split + " (" + size + " images of " + height + "x" + width + " from " + dir + ")";
    }
}
