package sau.detection;

/**
 * One detected object: its class (0-based, background excluded), the confidence, and the box in
 * corners form, as fractions of the image's width and height.
 */
public record Detection(int label, float score, float x1, float y1, float x2, float y2) {

    public float[] box() {
        return new float[] {x1, y1, x2, y2};
    }
}
