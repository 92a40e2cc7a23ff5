package sau.data;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Any image classification set laid out as one folder per class, the layout of torchvision's
 * {@code ImageFolder}:
 *
 * <pre>
 *   root/cat/0001.jpg
 *   root/cat/more/0002.png      (sub-folders of a class folder count too)
 *   root/dog/a.jpeg
 * </pre>
 *
 * Classes are the sub-folders of {@code root}, numbered in sorted order of their names, and a
 * class's images are its files ending in .png, .jpg, .jpeg, .bmp or .gif (any case), in sorted
 * order of their paths; torchvision numbers classes and images the same way. Other files and
 * hidden folders are ignored. Every image is converted to the caller's {@link ImageShape}: RGB
 * for 3 channels, grey for 1, resized bilinearly to the height and width (which stretches images
 * of another aspect ratio). Pixels are decoded with {@code javax.imageio}, kept in memory or
 * decoded on demand as the {@link ImageStorage} says.
 *
 * <p>A folder of images has no split: point one dataset at {@code root/train} and another at
 * {@code root/val}, say.
 */
public final class ImageFolderDataset extends LabelledImageDataset {

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path root;
    private final ImageShape shape;

    /** Images of {@code shape} with pixels in [0, 1], stored as {@link ImageStorage#AUTO} decides. */
    public ImageFolderDataset(Path root, ImageShape shape) {
        this(root, shape, Normalization.none(shape.channels()), ImageStorage.AUTO);
    }

    public ImageFolderDataset(Path root, ImageShape shape, Normalization normalization, ImageStorage storage) {
        super(read(root, shape, normalization, storage));
        this.root = root;
        this.shape = shape;
    }

    private static Contents read(Path root, ImageShape shape, Normalization normalization, ImageStorage storage) {
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new DataError("an image folder gives 1 (grey) or 3 (RGB) channels, not " + shape.channels());
        }
        normalization.requireChannels(shape.channels(), root);
        if (!Files.isDirectory(root)) {
            throw new DataError(root + ": no such directory; an image folder dataset needs root/<class>/<image> (see datasets/README.md)");
        }
        final List<Path> classDirs = list(root, Files::isDirectory);
        if (classDirs.isEmpty()) {
            throw new DataError(root + ": has no class folders; an image folder dataset needs root/<class>/<image> (see datasets/README.md)");
        }
        final List<String> names = new ArrayList<>();
        final List<Path> files = new ArrayList<>();
        final List<Integer> labelList = new ArrayList<>();
        for (Path dir : classDirs) {
            final List<Path> classImages = imagesUnder(dir);
            if (classImages.isEmpty()) {
                throw new DataError(dir + ": class folder holds no images (files ending in .png, .jpg, .jpeg, .bmp or .gif); "
                        + "add some or remove the folder");
            }
            for (Path f : classImages) {
                files.add(f);
                labelList.add(names.size());
            }
            names.add(dir.getFileName().toString());
        }
        final ImageFileSamples images = new ImageFileSamples(files, shape, storage);
        return new Contents(shape, images::sample, labelList.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(names),
                normalization, images.storage());
    }

    /** The entries of a folder that pass {@code keep}, hidden ones left out, sorted by name. */
    private static List<Path> list(Path dir, Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new DataError(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static List<Path> imagesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(Files::isRegularFile).filter(ImageFolderDataset::isImage)
                    .filter(p -> !("/" + dir.relativize(p)).contains("/.")).sorted().toList();
        } catch (IOException e) {
            throw new DataError(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static boolean isImage(Path p) {
        final String name = p.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "image folder " + root + " (" + size() + " images as " + shape + ", " + numClasses() + " classes)";
    }
}
