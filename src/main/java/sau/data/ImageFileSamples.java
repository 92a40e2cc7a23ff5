package sau.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pixels of a list of image files, each decoded to the same {@link ImageShape}: either all
 * decoded up front and kept as bytes, or decoded each time they are asked for, as an
 * {@link ImageStorage} says. Shared by the datasets that read folders of images.
 */
final class ImageFileSamples {

    private final List<Path> files;
    private final ImageShape shape;
    private final ImageStorage storage;
    /** All images, one after the other, in {@link ImageStorage#MEMORY} mode; null otherwise. */
    private final byte[] pixels;

    ImageFileSamples(List<Path> files, ImageShape shape, ImageStorage storage) {
        this.files = List.copyOf(files);
        this.shape = shape;
        this.storage = storage.resolve((long) files.size() * shape.numel());
        if (this.storage == ImageStorage.MEMORY) {
            if ((long) files.size() * shape.numel() > Integer.MAX_VALUE - 8) {
                throw new DataError(files.size() + " images of " + shape + " take more than 2 GB as bytes, more than one Java array holds; "
                        + "use on-demand image storage");
            }
            this.pixels = new byte[files.size() * shape.numel()];
            decodeAll();
        } else {
            this.pixels = null;
        }
    }

    ImageStorage storage() {
        return storage;
    }

    /** Writes image {@code index} through the normalisation {@code tables} into {@code dst[dstOffset ..]}. */
    void sample(int index, float[][] tables, float[] dst, int dstOffset) {
        if (pixels != null) {
            Normalization.decode(tables, pixels, index * shape.numel(), shape.plane(), dst, dstOffset);
        } else {
            final byte[] one = new byte[shape.numel()];
            ImageDecoder.decode(files.get(index), shape, one, 0);
            Normalization.decode(tables, one, 0, shape.plane(), dst, dstOffset);
        }
    }

    /** Decodes every file, in contiguous chunks, one per core. */
    private void decodeAll() {
        final int n = files.size();
        final int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n));
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int from = (int) ((long) n * t / threads);
                final int to = (int) ((long) n * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) ImageDecoder.decode(files.get(i), shape, pixels, i * shape.numel());
                }));
            }
            for (Future<?> part : parts) part.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
