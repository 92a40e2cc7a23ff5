package sau.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import sau.data.transforms.SsdAugmentation;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * The batches of a detection dataset: images decoded, augmented (when training), resized to the
 * model's square input and normalised, stacked into one tensor; and their objects, whose number
 * differs from image to image, collated as one list entry per image. Like {@link DataLoader}, the
 * order of an epoch and each sample's augmentation are functions of the seed and the position
 * only (so a resumed run sees the same batches), and batches are made a few ahead on a
 * background thread.
 */
public final class DetectionLoader {

    /**
     * A batch: {@code images [N, 3, S, S]}, and per image its boxes (corners, as fractions of the
     * image), classes and difficult flags; {@code indices} are the images' places in the dataset.
     */
    public record Batch(Tensor images, List<float[]> boxes, List<int[]> labels, List<boolean[]> difficult, int[] indices) {
        public int size() {
            return indices.length;
        }
    }

    private final VocDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int imageSize;
    private final Normalization norm;
    private final SsdAugmentation augmentation;

    /** @param augmentation applied to every training image, or null for none (evaluation) */
    public DetectionLoader(VocDataset dataset, int batchSize, boolean shuffle, long seed, int imageSize, Normalization norm, SsdAugmentation augmentation) {
        if (batchSize <= 0) throw new DataError("batch size must be positive, got " + batchSize);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.imageSize = imageSize;
        this.norm = norm;
        this.augmentation = augmentation;
    }

    public VocDataset dataset() {
        return dataset;
    }

    public int imageSize() {
        return imageSize;
    }

    public int batchesPerEpoch() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    public int[] order(int epoch) {
        if (shuffle) return new Generator(DataLoader.derive(seed, DataLoader.ORDER_STREAM, epoch)).permutation(dataset.size());
        final int[] identity = new int[dataset.size()];
        for (int i = 0; i < identity.length; i++) identity[i] = i;
        return identity;
    }

    /** Batch {@code b} of an epoch visiting the images in {@code order}. */
    Batch makeBatch(int[] order, int epoch, int b) {
        final int from = b * batchSize, n = Math.min(batchSize, order.length - from), numel = 3 * imageSize * imageSize;
        final float[] images = new float[n * numel];
        final List<float[]> boxes = new ArrayList<>(n);
        final List<int[]> labels = new ArrayList<>(n);
        final List<boolean[]> difficult = new ArrayList<>(n);
        final int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = order[from + i];
            DetectionSample s = dataset.sample(indices[i]);
            if (augmentation != null) s = augmentation.apply(s, new Generator(DataLoader.derive(seed, DataLoader.TRANSFORM_STREAM, epoch, from + i)));
            boxes.add(s.resizedInto(imageSize, norm, images, i * numel));
            labels.add(s.labels());
            difficult.add(s.difficult());
        }
        return new Batch(new Tensor(images, n, 3, imageSize, imageSize), boxes, labels, difficult, indices);
    }

    /** The batches of epoch {@code epoch} from batch {@code startBatch} on; close it to stop its thread. */
    public Epoch epoch(int epoch, int startBatch) {
        if (startBatch < 0 || startBatch > batchesPerEpoch()) throw new IllegalArgumentException("start batch " + startBatch + " is outside 0.." + batchesPerEpoch());
        return new Epoch(this, epoch, startBatch);
    }

    /** One epoch's batches, made {@link DataLoader#PREFETCH} ahead on a background thread. */
    public static final class Epoch implements Iterator<Batch>, AutoCloseable {

        private final DetectionLoader loader;
        private final int epoch;
        private final int[] order;
        private final int end;
        private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "sau-detection-loader");
            t.setDaemon(true);
            return t;
        });
        private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
        private int nextToMake;
        private int remaining;

        private Epoch(DetectionLoader loader, int epoch, int startBatch) {
            this.loader = loader;
            this.epoch = epoch;
            this.order = loader.order(epoch);
            this.end = loader.batchesPerEpoch();
            this.nextToMake = startBatch;
            this.remaining = end - startBatch;
            fill();
        }

        private void fill() {
            while (ahead.size() < DataLoader.PREFETCH && nextToMake < end) {
                final int b = nextToMake++;
                ahead.add(worker.submit(() -> loader.makeBatch(order, epoch, b)));
            }
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        public Batch next() {
            if (remaining == 0) throw new NoSuchElementException("the epoch has no more batches");
            final Future<Batch> f = ahead.poll();
            fill();
            try {
                final Batch b = f.get();
                if (--remaining == 0) worker.shutdown(); // the last batch: let the thread end without waiting for close()
                return b;
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            } catch (ExecutionException e) {
                close();
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }

        @Override
        public void close() {
            remaining = 0;
            worker.shutdownNow();
        }
    }
}
