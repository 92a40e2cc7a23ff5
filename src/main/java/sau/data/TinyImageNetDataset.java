package sau.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tiny ImageNet (the 200-class set of Stanford's CS231n): 64x64 colour JPEGs, 500 training and
 * 50 validation images per class, in the folder layout of {@code tiny-imagenet-200.zip}:
 *
 * <pre>
 *   tiny-imagenet-200/wnids.txt                          the 200 WordNet ids, one per line
 *   tiny-imagenet-200/words.txt                          "wnid TAB names" for many more WordNet ids
 *   tiny-imagenet-200/train/&lt;wnid&gt;/images/*.JPEG         the training images of each class
 *   tiny-imagenet-200/val/images/*.JPEG                  the validation images
 *   tiny-imagenet-200/val/val_annotations.txt            "file TAB wnid TAB box" per validation image
 * </pre>
 *
 * {@link Split#TRAIN} is {@code train/} and {@link Split#TEST} is {@code val/}: the archive's
 * {@code test/} folder has no labels, so papers report validation accuracy. Classes are numbered
 * in sorted order of their ids, as torchvision's {@code ImageFolder} numbers {@code train/}, so
 * labels agree with PyTorch code; a class's name is the first of its names in {@code words.txt}
 * ("goldfish" for n01443537). A few images are grey-scale JPEGs; they are repeated into three
 * channels.
 *
 * <p>Images are decoded with {@code javax.imageio} and kept as decoded bytes when they fit in the
 * heap (see {@link ImageStorage}; 1.2 GB for the training set, so a heap of 5 GB or more, e.g.
 * {@code -Xmx6g}), else decoded again each epoch on the loader's thread.
 */
public final class TinyImageNetDataset extends LabelledImageDataset {

    private static final ImageShape SHAPE = new ImageShape(3, 64, 64);

    /** The training set's per-channel mean and standard deviation, as commonly quoted. */
    public static final Normalization NORMALIZATION =
            new Normalization(new float[] {0.4802f, 0.4481f, 0.3975f}, new float[] {0.2770f, 0.2691f, 0.2821f});

    private static final String REMEDY = "download http://cs231n.stanford.edu/tiny-imagenet-200.zip and unzip it into datasets/ "
            + "(see datasets/README.md)";

    private final Split split;
    private final Path root;

    /** A split with pixels in [0, 1], stored as {@link ImageStorage#AUTO} decides. */
    public TinyImageNetDataset(Path root, Split split) {
        this(root, split, Normalization.none(3), ImageStorage.AUTO);
    }

    public TinyImageNetDataset(Path root, Split split, Normalization normalization, ImageStorage storage) {
        super(read(root, split, normalization, storage));
        this.split = split;
        this.root = root;
    }

    private static Contents read(Path root, Split split, Normalization normalization, ImageStorage storage) {
        normalization.requireChannels(3, "Tiny ImageNet");
        if (!Files.isDirectory(root)) throw new DataError(root + ": no such directory; " + REMEDY);
        final List<String> wnids = lines(root.resolve("wnids.txt")).stream().map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
        if (wnids.isEmpty()) throw new DataError(root.resolve("wnids.txt") + ": lists no classes; " + REMEDY);
        final Map<String, Integer> index = new HashMap<>();
        for (String wnid : wnids) index.put(wnid, index.size());
        final List<String> classNames = names(root.resolve("words.txt"), wnids);

        final List<Path> files = new ArrayList<>();
        final List<Integer> labelList = new ArrayList<>();
        if (split == Split.TRAIN) {
            for (String wnid : wnids) {
                final Path dir = root.resolve("train").resolve(wnid).resolve("images");
                if (!Files.isDirectory(dir)) throw new DataError(dir + ": no such directory, but wnids.txt lists class " + wnid + "; " + REMEDY);
                for (Path f : jpegs(dir)) {
                    files.add(f);
                    labelList.add(index.get(wnid));
                }
            }
        } else {
            final Path annotations = root.resolve("val").resolve("val_annotations.txt");
            int lineNumber = 0;
            for (String line : lines(annotations)) {
                lineNumber++;
                if (line.isBlank()) continue;
                final String[] fields = line.split("\t");
                if (fields.length < 2 || !index.containsKey(fields[1])) {
                    throw new DataError(annotations + ": line " + lineNumber + " should be \"file TAB wnid ...\" with a wnid from wnids.txt, but is \""
                            + line + "\"; " + REMEDY);
                }
                final Path image = root.resolve("val").resolve("images").resolve(fields[0]);
                if (!Files.isRegularFile(image)) throw new DataError(image + ": no such file, but " + annotations + " lists it; " + REMEDY);
                files.add(image);
                labelList.add(index.get(fields[1]));
            }
        }
        if (files.isEmpty()) throw new DataError(root + ": holds no " + (split == Split.TRAIN ? "training" : "validation") + " images; " + REMEDY);
        final ImageFileSamples images = new ImageFileSamples(files, SHAPE, storage);
        return new Contents(SHAPE, images::sample, labelList.stream().mapToInt(Integer::intValue).toArray(), classNames,
                normalization, images.storage());
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) throw new DataError(file + ": no such file; " + REMEDY);
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataError(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The first name words.txt gives each class; the id itself when the file or the entry is missing. */
    private static List<String> names(Path wordsFile, List<String> wnids) {
        final Map<String, String> words = new HashMap<>();
        if (Files.isRegularFile(wordsFile)) {
            for (String line : lines(wordsFile)) {
                final int tab = line.indexOf('\t');
                if (tab > 0) words.put(line.substring(0, tab), line.substring(tab + 1).split(",")[0].strip());
            }
        }
        return wnids.stream().map(w -> words.getOrDefault(w, w)).toList();
    }

    /** The JPEG files of a folder, sorted by name so that sample numbers do not depend on the file system. */
    private static List<Path> jpegs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")).sorted().toList();
        } catch (IOException e) {
            throw new DataError(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Tiny ImageNet " + split + " (" + size() + " images of 64x64 from " + root + ")";
    }
}
