package sau.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 or CIFAR-100, read from the "binary version" of each, as distributed by its authors.
 *
 * <pre>
 *   cifar-10-batches-bin/   data_batch_1.bin .. data_batch_5.bin, test_batch.bin, batches.meta.txt
 *   cifar-100-binary/       train.bin, test.bin, coarse_label_names.txt, fine_label_names.txt
 * </pre>
 *
 * A file is a plain run of fixed-size records, one per image: CIFAR-10's record is 1 label byte
 * then 3072 pixel bytes; CIFAR-100's is a coarse label byte (20 super-classes), a fine label
 * byte (100 classes), then the 3072 pixels. The pixels are a 32x32 image stored channel by
 * channel (1024 red bytes, 1024 green, 1024 blue), each channel row by row: exactly the CHW
 * layout sau uses, so a sample is a straight copy through the normalisation table.
 *
 * <p>A split is held in memory as bytes (150 MB for the 50,000 training images).
 */
public final class CifarDataset extends LabelledImageDataset {

    private static final ImageShape SHAPE = new ImageShape(3, 32, 32);

    /** Which dataset, and for CIFAR-100 which of its two labels to learn. */
    public enum Kind {
        CIFAR10("CIFAR-10", 10, 1, 0, "batches.meta.txt", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                new Normalization(new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2470f, 0.2435f, 0.2616f})),
        /** CIFAR-100's 100 fine classes, the usual task. */
        CIFAR100("CIFAR-100", 100, 2, 1, "fine_label_names.txt", "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
                new Normalization(new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f})),
        /** CIFAR-100's 20 coarse super-classes (aquatic mammals, fish, flowers, ...). */
        CIFAR100_COARSE("CIFAR-100 (coarse labels)", 20, 2, 0, "coarse_label_names.txt", CIFAR100.url, CIFAR100.normalization);

        private final String title;
        private final int classes;
        private final int labelBytes;
        private final int labelAt;
        private final String namesFile;
        private final String url;
        private final Normalization normalization;

        Kind(String title, int classes, int labelBytes, int labelAt, String namesFile, String url, Normalization normalization) {
            this.title = title;
            this.classes = classes;
            this.labelBytes = labelBytes;
            this.labelAt = labelAt;
            this.namesFile = namesFile;
            this.url = url;
            this.normalization = normalization;
        }

        /** The bytes of one image's record: its labels, then 3072 pixels. */
        public int recordBytes() {
            return labelBytes + SHAPE.numel();
        }

        /** The files of a split, in the order their images are numbered. */
        public List<String> files(Split split) {
            if (this == CIFAR10) {
                return split == Split.TRAIN
                        ? List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin")
                        : List.of("test_batch.bin");
            }
            return List.of(split == Split.TRAIN ? "train.bin" : "test.bin");
        }

        /** The folder the archive unpacks to, where sau looks by default under {@code datasets/}. */
        public String folder() {
            return this == CIFAR10 ? "cifar-10-batches-bin" : "cifar-100-binary";
        }

        /** The training set's per-channel mean and standard deviation, as commonly quoted. */
        public Normalization normalization() {
            return normalization;
        }

        String remedy() {
            return "download the binary version of " + (this == CIFAR10 ? "CIFAR-10" : "CIFAR-100") + " from " + url
                    + " and unpack it into datasets/ (see datasets/README.md)";
        }

        @Override
        public String toString() {
            return title;
        }
    }

    private final Kind kind;
    private final Split split;
    private final Path dir;

    /** A split with pixels in [0, 1]. */
    public CifarDataset(Path dir, Kind kind, Split split) {
        this(dir, kind, split, Normalization.none(3));
    }

    public CifarDataset(Path dir, Kind kind, Split split, Normalization normalization) {
        super(read(dir, kind, split, normalization));
        this.kind = kind;
        this.split = split;
        this.dir = dir;
    }

    private static Contents read(Path dir, Kind kind, Split split, Normalization normalization) {
        normalization.requireChannels(3, kind);
        if (!Files.isDirectory(dir)) throw new DataError(dir + ": no such directory; " + kind.remedy());

        final int record = kind.recordBytes();
        final List<byte[]> contents = new ArrayList<>();
        long total = 0;
        for (String name : kind.files(split)) {
            final Path file = dir.resolve(name);
            final byte[] bytes = readAll(file, kind);
            if (bytes.length == 0 || bytes.length % record != 0) {
                throw new DataError(file + ": " + bytes.length + " bytes is not a whole number of " + kind + " records (" + record
                        + " bytes each: " + (kind.labelBytes == 1 ? "a label byte" : "a coarse and a fine label byte")
                        + " and 3072 pixels), so the file is truncated or is not the binary version; " + kind.remedy());
            }
            contents.add(bytes);
            total += bytes.length / record;
        }
        final int size = Math.toIntExact(total);
        final byte[] pixels = new byte[size * SHAPE.numel()];
        final int[] labels = new int[size];
        int image = 0;
        for (int f = 0; f < contents.size(); f++) {
            final byte[] bytes = contents.get(f);
            for (int r = 0; r < bytes.length / record; r++, image++) {
                final int label = bytes[r * record + kind.labelAt] & 0xff;
                if (label >= kind.classes) {
                    throw new DataError(dir.resolve(kind.files(split).get(f)) + ": image " + r + " has label " + label + ", but " + kind
                            + " has only " + kind.classes + " classes; the file is damaged or belongs to the other CIFAR; " + kind.remedy());
                }
                labels[image] = label;
                System.arraycopy(bytes, r * record + kind.labelBytes, pixels, image * SHAPE.numel(), SHAPE.numel());
            }
        }
        return new Contents(SHAPE, inMemory(pixels, SHAPE), labels, readClassNames(dir.resolve(kind.namesFile), kind.classes),
                normalization, ImageStorage.MEMORY);
    }

    private static byte[] readAll(Path file, Kind kind) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataError(file + ": no such file; " + kind.remedy());
        } catch (AccessDeniedException e) {
            throw new DataError(file + ": permission denied", e);
        } catch (IOException e) {
            throw new DataError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The names in the archive's label file, one per line; numbers if the file is absent, since a
     * dataset is usable without it. Blank lines are skipped: the files end with some.
     */
    private static List<String> readClassNames(Path file, int classes) {
        final List<String> names = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) names.add(line.strip());
                }
            } catch (IOException e) {
                throw new DataError(file + ": cannot read: " + e.getMessage(), e);
            }
            if (names.size() != classes) {
                throw new DataError(file + ": lists " + names.size() + " class names, but there are " + classes + " classes");
            }
            return List.copyOf(names);
        }
        for (int c = 0; c < classes; c++) names.add(Integer.toString(c));
        return List.copyOf(names);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return kind + " " + split + " (" + size() + " images of 32x32 from " + dir + ")";
    }
}
