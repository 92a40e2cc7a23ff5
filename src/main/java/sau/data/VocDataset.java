package sau.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A detection dataset in Pascal VOC's folder layout:
 *
 * <pre>
 * ROOT/ImageSets/Main/trainval.txt (or train.txt), test.txt (or val.txt)   one image id per line
 * ROOT/Annotations/ID.xml                                                 the objects of image ID
 * ROOT/JPEGImages/ID.jpg                                                  the image
 * ROOT/classes.txt                                                        optional: one class name per line
 * </pre>
 *
 * Each annotation holds {@code <size><width/><height/></size>} and one {@code <object>} per
 * object: {@code <name>}, {@code <difficult>} (0 or 1, optional) and
 * {@code <bndbox><xmin/><ymin/><xmax/><ymax/></bndbox>} in VOC's 1-based pixel coordinates
 * (read, as torchvision and ssd.pytorch do, as corners {@code xmin − 1 .. xmax}). The classes
 * are those of {@code classes.txt}, or VOC's 20 when there is none. Annotations are all read
 * when the dataset is opened, so a missing or damaged file is reported at once; images are
 * decoded when asked for.
 */
public final class VocDataset {

    public static final List<String> VOC_CLASSES = List.of("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
            "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor");

    /** The objects of one image, boxes in pixels as corners. */
    public record Annotation(String id, int width, int height, float[] boxes, int[] labels, boolean[] difficult) {}

    private final Path root;
    private final List<String> classes;
    private final List<Annotation> annotations;

    /** Opens the training list ({@code trainval.txt}, else {@code train.txt}) or the test list ({@code test.txt}, else {@code val.txt}). */
    public VocDataset(Path root, Split split) {
        this(root, listFile(root, split));
    }

    /** Opens the images listed in {@code ImageSets/Main/<list>.txt}. */
    public VocDataset(Path root, String list) {
        this.root = root;
        if (!Files.isDirectory(root)) throw new DataError(root + ": no such folder; make the synthetic set with datasets/make-synthetic-voc.py, or point dataset.path at a VOC folder (VOCdevkit/VOC2007)");
        classes = readClasses(root);
        final Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) index.put(classes.get(i), i);
        final Path listPath = root.resolve("ImageSets").resolve("Main").resolve(list + ".txt");
        final List<String> ids = lines(listPath);
        if (ids.isEmpty()) throw new DataError(listPath + ": lists no images");
        final DocumentBuilder parser = parser();
        annotations = new ArrayList<>(ids.size());
        for (String id : ids) annotations.add(readAnnotation(parser, root.resolve("Annotations").resolve(id + ".xml"), id, index));
    }

    private VocDataset(Path root, List<String> classes, List<Annotation> annotations) {
        this.root = root;
        this.classes = classes;
        this.annotations = annotations;
    }

    /** The first {@code n} images only. */
    public VocDataset first(int n) {
        return new VocDataset(root, classes, annotations.subList(0, Math.min(n, annotations.size())));
    }

    private static String listFile(Path root, Split split) {
        final Path main = root.resolve("ImageSets").resolve("Main");
        final String[] choices = split == Split.TRAIN ? new String[] {"trainval", "train"} : new String[] {"test", "val"};
        for (String c : choices) if (Files.isRegularFile(main.resolve(c + ".txt"))) return c;
        throw new DataError(main + ": has neither " + choices[0] + ".txt nor " + choices[1] + ".txt (the " + split + " image list)");
    }

    public int size() {
        return annotations.size();
    }

    public List<String> classNames() {
        return classes;
    }

    public Annotation annotation(int i) {
        return annotations.get(i);
    }

    /** Image {@code i} with its objects, decoded. */
    public DetectionSample sample(int i) {
        final Annotation a = annotations.get(i);
        final Path file = root.resolve("JPEGImages").resolve(a.id() + ".jpg");
        final DetectionSample.Image image = ImageDecoder.decodeRgb(file);
        if (image.width() != a.width() || image.height() != a.height()) {
            throw new DataError(file + ": is " + image.width() + "x" + image.height() + " but its annotation says " + a.width() + "x" + a.height());
        }
        return new DetectionSample(image, a.boxes().clone(), a.labels(), a.difficult());
    }

    @Override
    public String toString() {
        return "VOC-layout dataset " + root + " (" + annotations.size() + " images)";
    }

    private static List<String> readClasses(Path root) {
        final Path file = root.resolve("classes.txt");
        if (!Files.exists(file)) return VOC_CLASSES;
        final List<String> names = lines(file);
        if (names.isEmpty()) throw new DataError(file + ": lists no classes");
        if (names.stream().distinct().count() != names.size()) throw new DataError(file + ": lists a class twice");
        return names;
    }

    private static List<String> lines(Path file) {
        if (!Files.isRegularFile(file)) throw new DataError(file + ": no such file");
        try {
            return Files.readAllLines(file).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new DataError(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static DocumentBuilder parser() {
        try {
            final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // annotations need no DTDs; refuse external entities
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Annotation readAnnotation(DocumentBuilder parser, Path file, String id, Map<String, Integer> classIndex) {
        if (!Files.isRegularFile(file)) throw new DataError(file + ": no such file (image " + id + " is listed but has no annotation)");
        final Document doc;
        try {
            doc = parser.parse(file.toFile());
        } catch (SAXException | IOException e) {
            throw new DataError(file + ": not a readable XML annotation (" + e.getMessage() + ")", e);
        }
        final Element top = doc.getDocumentElement();
        final Element size = child(top, "size", file);
        final int width = (int) number(size, "width", file), height = (int) number(size, "height", file);
        if (width < 1 || height < 1) throw new DataError(file + ": <size> " + width + "x" + height + " is not an image size");
        final NodeList objects = top.getElementsByTagName("object");
        final int n = objects.getLength();
        final float[] boxes = new float[4 * n];
        final int[] labels = new int[n];
        final boolean[] difficult = new boolean[n];
        for (int i = 0; i < n; i++) {
            final Element o = (Element) objects.item(i);
            final String name = text(child(o, "name", file));
            final Integer label = classIndex.get(name);
            if (label == null) throw new DataError(file + ": object " + (i + 1) + " has class \"" + name + "\", which is not one of " + classIndex.keySet().stream().sorted().toList());
            labels[i] = label;
            final NodeList d = o.getElementsByTagName("difficult");
            difficult[i] = d.getLength() > 0 && text((Element) d.item(0)).equals("1");
            final Element box = child(o, "bndbox", file);
            boxes[4 * i] = (float) number(box, "xmin", file) - 1;
            boxes[4 * i + 1] = (float) number(box, "ymin", file) - 1;
            boxes[4 * i + 2] = (float) number(box, "xmax", file);
            boxes[4 * i + 3] = (float) number(box, "ymax", file);
            if (!(boxes[4 * i + 2] > boxes[4 * i] && boxes[4 * i + 3] > boxes[4 * i + 1])) {
                throw new DataError(file + ": object " + (i + 1) + " (" + name + ") has an empty box: xmax must exceed xmin − 1 and ymax ymin − 1");
            }
        }
        return new Annotation(id, width, height, boxes, labels, difficult);
    }

    private static Element child(Element parent, String tag, Path file) {
        final NodeList list = parent.getElementsByTagName(tag);
        if (list.getLength() == 0) throw new DataError(file + ": <" + parent.getTagName() + "> has no <" + tag + ">");
        return (Element) list.item(0);
    }

    private static String text(Element e) {
        return e.getTextContent().strip();
    }

    private static double number(Element parent, String tag, Path file) {
        final String s = text(child(parent, tag, file));
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataError(file + ": <" + tag + "> is \"" + s + "\", not a number");
        }
    }
}
