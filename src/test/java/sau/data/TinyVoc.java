package sau.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny detection dataset in VOC's layout for tests: 40×30 images of one colour, each with a
 * square (bottom left) and a difficult circle (top right), classes from classes.txt.
 */
public final class TinyVoc {

    private TinyVoc() {}

    public static void write(Path root, int images) throws IOException {
        Files.writeString(Files.createDirectories(root).resolve("classes.txt"), "circle\nsquare\n");
        final StringBuilder list = new StringBuilder();
        for (int i = 0; i < images; i++) {
            final String id = "img" + i;
            list.append(id).append('\n');
            TestImages.solid(root.resolve("JPEGImages").resolve(id + ".jpg"), 40, 30, 0x336699);
            annotation(root, id, """
                <object><name>square</name><difficult>0</difficult><bndbox><xmin>1</xmin><ymin>11</ymin><xmax>20</xmax><ymax>30</ymax></bndbox></object>
                <object><name>circle</name><difficult>1</difficult><bndbox><xmin>21</xmin><ymin>1</ymin><xmax>40</xmax><ymax>10</ymax></bndbox></object>
                """);
        }
        Files.writeString(Files.createDirectories(root.resolve("ImageSets/Main")).resolve("train.txt"), list);
        Files.writeString(root.resolve("ImageSets/Main/test.txt"), list);
    }

    public static void annotation(Path root, String id, String objects) throws IOException {
        Files.writeString(Files.createDirectories(root.resolve("Annotations")).resolve(id + ".xml"),
                "<annotation><size><width>40</width><height>30</height><depth>3</depth></size>\n" + objects + "</annotation>\n");
    }
}
