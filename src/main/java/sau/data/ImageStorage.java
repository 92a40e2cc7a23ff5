package sau.data;

/**
 * Where an image-file dataset keeps its pixels between epochs.
 *
 * <p>Decoding a JPEG or PNG costs far more than copying its pixels, so decoding every file once,
 * at construction, and keeping the pixels as bytes makes every epoch fast; but the bytes must fit
 * in the Java heap (Tiny ImageNet's 100,000 training images take 1.2 GB). Decoding on demand needs
 * almost no memory and reads every file again each epoch, on the loader's background thread.
 */
public enum ImageStorage {
    /** {@link #MEMORY} if the decoded pixels take at most a quarter of the maximum heap, else {@link #ON_DEMAND}. */
    AUTO,
    /** Decode every image at construction, on all cores, and keep the pixels as bytes. */
    MEMORY,
    /** Keep only the file names; decode an image each time it is asked for. */
    ON_DEMAND;

    /** The choice for a dataset whose decoded pixels take {@code bytes}. */
    ImageStorage resolve(long bytes) {
        if (this != AUTO) return this;
        return bytes <= Runtime.getRuntime().maxMemory() / 4 && bytes <= Integer.MAX_VALUE - 8 ? MEMORY : ON_DEMAND;
    }
}
