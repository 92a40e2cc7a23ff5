package sau.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SVHN, the Street View House Numbers: 32x32 colour crops of single digits, in the "cropped
 * digits" format (format 2) that its authors distribute as MATLAB files.
 *
 * <pre>
 *   svhn/train_32x32.mat   73,257 digits
 *   svhn/test_32x32.mat    26,032 digits
 * </pre>
 *
 * Each file holds two variables: {@code X}, uint8 of size 32x32x3xN, and {@code y}, N labels
 * 1..10 where 10 stands for the digit 0. MATLAB stores arrays column-major (the first index
 * varies fastest), so image {@code n}'s pixel at row {@code r}, column {@code c}, channel
 * {@code ch} is {@code X[r + 32c + 1024ch + 3072n]}: each channel is stored column by column.
 * The reader transposes every channel into sau's row-by-row CHW layout once, while loading, and
 * maps label 10 to 0 so that the class index is the digit.
 *
 * <p>A split is held in memory as bytes (225 MB for the training set).
 */
public final class SvhnDataset extends LabelledImageDataset {

    private static final ImageShape SHAPE = new ImageShape(3, 32, 32);
    private static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** The training set's per-channel mean and standard deviation, as commonly quoted. */
    public static final Normalization NORMALIZATION =
            new Normalization(new float[] {0.4377f, 0.4438f, 0.4728f}, new float[] {0.1980f, 0.2010f, 0.1970f});

    private static final String REMEDY = "download train_32x32.mat and test_32x32.mat from http://ufldl.stanford.edu/housenumbers/ "
            + "into datasets/svhn/ (see datasets/README.md)";

    private final Split split;
    private final Path file;

    /** A split with pixels in [0, 1]. */
    public SvhnDataset(Path dir, Split split) {
        this(dir, split, Normalization.none(3));
    }

    public SvhnDataset(Path dir, Split split, Normalization normalization) {
        super(read(fileOf(dir, split), dir, normalization));
        this.split = split;
        this.file = fileOf(dir, split);
    }

    private static Path fileOf(Path dir, Split split) {
        return dir.resolve(split == Split.TRAIN ? "train_32x32.mat" : "test_32x32.mat");
    }

    private static Contents read(Path file, Path dir, Normalization normalization) {
        normalization.requireChannels(3, "SVHN");
        if (!Files.isDirectory(dir)) throw new DataError(dir + ": no such directory; " + REMEDY);

        final Map<String, MatFile.Array> vars = MatFile.read(file, Set.of("X", "y"), REMEDY);
        final MatFile.Array x = vars.get("X");
        final MatFile.Array y = vars.get("y");
        if (x == null || y == null) {
            throw new DataError(file + ": has no numeric variable " + (x == null ? "X" : "y") + ", so it is not an SVHN cropped-digits file; " + REMEDY);
        }
        final int[] d = x.dims();
        if (d.length != 4 || d[0] != 32 || d[1] != 32 || d[2] != 3 || x.storedType() != MatFile.MI_UINT8) {
            throw new DataError(file + ": X is " + x + " stored as type " + x.storedType() + ", but SVHN's X is uint8 32x32x3xN; " + REMEDY);
        }
        final int size = d[3];
        if (y.numel() != size) {
            throw new DataError(file + ": X holds " + size + " images but y holds " + y.numel() + " labels; " + REMEDY);
        }
        final int[] labels = new int[size];
        for (int n = 0; n < size; n++) {
            final double label = y.get(n);
            if (label != Math.rint(label) || label < 1 || label > 10) {
                throw new DataError(file + ": label " + n + " is " + label + ", but SVHN's labels are 1..10 (10 for the digit 0); " + REMEDY);
            }
            labels[n] = (int) label % 10;
        }
        return new Contents(SHAPE, inMemory(transposeChannels(x.data(), size), SHAPE), labels, CLASS_NAMES, normalization, ImageStorage.MEMORY);
    }

    /**
     * Turns MATLAB's column-major 32x32 channels into row-major ones, in place, one channel at a
     * time through a small copy, so that the 225 MB training set is never held twice.
     */
    private static byte[] transposeChannels(byte[] pixels, int count) {
        final int h = SHAPE.height();
        final int w = SHAPE.width();
        final byte[] columnMajor = new byte[h * w];
        for (int plane = 0; plane < count * SHAPE.channels(); plane++) {
            final int base = plane * h * w;
            System.arraycopy(pixels, base, columnMajor, 0, h * w);
            for (int c = 0; c < w; c++) {
                for (int r = 0; r < h; r++) pixels[base + r * w + c] = columnMajor[c * h + r];
            }
        }
        return pixels;
    }

    @Override
    public String toString() {
        return "SVHN " + split + " (" + size() + " images of 32x32 from " + file + ")";
    }
}
