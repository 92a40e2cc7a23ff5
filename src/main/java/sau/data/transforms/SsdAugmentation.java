package sau.data.transforms;

import sau.data.DetectionSample;
import sau.data.Normalization;
import sau.tensor.Generator;

/**
 * The SSD paper's training augmentation, in its order: photometric distortion, zoom out
 * ("expand", up to 4× in the paper), the IoU-constrained random crop, and a horizontal flip with
 * probability ½. The resize to the model's input follows in the loader.
 */
public final class SsdAugmentation {

    private final ZoomOut zoomOut;

    /**
     * @param norm the dataset's normalisation: zoom out fills with its mean colour
     * @param maxZoomOut the largest canvas, as a multiple of the image's sides (the paper: 4; 1: no zooming out)
     */
    public SsdAugmentation(Normalization norm, float maxZoomOut) {
        final float[] fill = new float[3];
        for (int c = 0; c < 3; c++) fill[c] = 255f * norm.mean()[c];
        zoomOut = maxZoomOut > 1 ? new ZoomOut(maxZoomOut, fill) : null;
    }

    public DetectionSample apply(DetectionSample s, Generator rng) {
        DetectionSample out = PhotometricDistortion.apply(s, rng);
        if (zoomOut != null) out = zoomOut.apply(out, rng);
        out = RandomIouCrop.apply(out, rng);
        return rng.nextFloat() < 0.5f ? out.flipped() : out;
    }
}
