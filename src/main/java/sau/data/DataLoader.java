package sau.data;

import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import sau.tensor.Generator;
import sau.tensor.Tensor;

/**
 * Turns a {@link Dataset} into the stream of mini-batches a training loop consumes: it orders the
 * samples (shuffled or not), groups them into batches, applies the per-sample transform, and does
 * all of that on a background thread a few batches ahead of the consumer, so that the engine
 * does not wait for data.
 *
 * <p><b>Reproducibility.</b> Everything random is derived from the loader's seed and the position
 * in training, never from a generator that has been running since the start: the order of epoch
 * {@code e} is a permutation drawn from a generator seeded by {@code (seed, e)}, and the transform
 * of the sample at position {@code p} of that order gets a generator seeded by
 * {@code (seed, e, p)}. A run resumed at {@code (epoch, batch)} therefore sees exactly the batches,
 * augmentation included, that an uninterrupted run would have, and the background thread's timing
 * cannot change any result.
 *
 * <p><b>Use.</b> {@link #epoch} returns an iterator that owns the background thread; close it,
 * ideally with try-with-resources, to stop the thread if you leave the epoch early:
 *
 * <pre>{@code
 * try (DataLoader.Epoch batches = loader.epoch(epoch, 0)) {
 *     while (batches.hasNext()) {
 *         DataLoader.Batch batch = batches.next();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * An iterator that is simply dropped stops its thread too, once the garbage collector notices.
 * An exception thrown while making a batch (a damaged sample, a failing transform) is thrown
 * again, unchanged, by the consumer's {@code next()}.
 */
public final class DataLoader {

    /** How many finished batches the background thread may hold ready. */
    public static final int PREFETCH = 3;

    /** Separate streams of seeds, so that the epoch order and the augmentation never share numbers. */
    static final long ORDER_STREAM = 1;
    static final long TRANSFORM_STREAM = 2;

    /** Stops the threads of epochs that were dropped without being closed. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final SampleTransform transform;
    private final int[] sampleShape;
    private final int sampleNumel;

    /**
     * A batch of {@code N} samples: {@code inputs} has shape {@code [N, ...sampleShape]},
     * {@code targets} has shape {@code [N]} and holds the class indices as floats, and
     * {@code indices} says which samples of the dataset these are.
     */
    public record Batch(Tensor inputs, Tensor targets, int[] indices) {
        public int size() {
            return indices.length;
        }
    }

    /**
     * @param batchSize the number of samples per batch; the last batch of an epoch may be smaller
     *     unless {@code dropLast}
     * @param shuffle draw a new order of the samples every epoch; otherwise use the dataset's order
     * @param dropLast leave out the last batch of an epoch if it would be smaller than the others
     * @param seed the seed of every random choice the loader makes
     * @param transform applied to every sample after it is read, or null for none
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed, SampleTransform transform) {
        if (batchSize <= 0) throw new DataError("batch size must be positive, got " + batchSize);
        if (dataset.size() == 0) throw new DataError("the dataset " + dataset + " is empty");
        if (dropLast && dataset.size() < batchSize) {
            throw new DataError("batch size " + batchSize + " with drop_last leaves no batch at all from the " + dataset.size()
                    + " samples of " + dataset + "; use a smaller batch or turn drop_last off");
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
        this.transform = transform;
        this.sampleShape = dataset.sampleShape().clone();
        this.sampleNumel = dataset.sampleNumel();
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        final int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The order in which epoch {@code epoch} visits the samples: a function of the seed and the epoch only. */
    public int[] order(int epoch) {
        final int n = dataset.size();
        if (shuffle) return new Generator(derive(seed, ORDER_STREAM, epoch)).permutation(n);
        final int[] identity = new int[n];
        for (int i = 0; i < n; i++) identity[i] = i;
        return identity;
    }

    /**
     * The batches of epoch {@code epoch} (counted from 0), starting at batch {@code startBatch}, so
     * that a resumed run can continue in the middle of an epoch. The background thread starts
     * filling batches at once.
     */
    public Epoch epoch(int epoch, int startBatch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        if (startBatch < 0 || startBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("start batch " + startBatch + " is outside 0.." + batchesPerEpoch());
        }
        return new Epoch(this, epoch, startBatch);
    }

    /** Makes batch {@code b} of an epoch whose sample order is {@code order}. */
    private Batch makeBatch(int[] order, int epoch, int b) {
        final int from = b * batchSize;
        final int n = Math.min(batchSize, order.length - from);
        final float[] inputs = new float[n * sampleNumel];
        final float[] targets = new float[n];
        final int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            final int index = order[from + i];
            indices[i] = index;
            dataset.sample(index, inputs, i * sampleNumel);
            targets[i] = dataset.label(index);
            if (transform != null) {
                transform.apply(inputs, i * sampleNumel, new Generator(derive(seed, TRANSFORM_STREAM, epoch, from + i)));
            }
        }
        final int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return new Batch(new Tensor(inputs, shape), new Tensor(targets, n), indices);
    }

    /**
     * A seed for one place in training, hashed from the loader's seed and a path of numbers
     * (stream, epoch, position). Each step goes through SplitMix64's mixing function, so nearby
     * paths such as epochs 1 and 2 get unrelated seeds.
     */
    static long derive(long seed, long... path) {
        long h = new Generator(seed).nextLong();
        for (long p : path) h = new Generator(h ^ p).nextLong();
        return h;
    }

    /**
     * The batches of one epoch, made ahead of time by a background thread. Close it to stop the
     * thread early; it is not safe to use from several threads at once.
     */
    public static final class Epoch implements Iterator<Batch>, AutoCloseable {

        /** What the background thread hands over when making a batch failed. */
        private record Failure(Throwable error) {}

        /**
         * The state shared with the background thread. It does not point back at the
         * {@link Epoch}, so that an abandoned Epoch can be garbage-collected, which stops the thread.
         */
        private static final class Pipe implements Runnable {
            final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH);
            final Thread thread = new Thread(this, "sau-data-loader");
            final DataLoader loader;
            final int epoch;
            final int startBatch;
            volatile boolean stopped;

            Pipe(DataLoader loader, int epoch, int startBatch) {
                this.loader = loader;
                this.epoch = epoch;
                this.startBatch = startBatch;
            }

            @Override
            public void run() {
                try {
                    final int[] order = loader.order(epoch);
                    final int end = loader.batchesPerEpoch();
                    for (int b = startBatch; b < end && !stopped; b++) queue.put(loader.makeBatch(order, epoch, b));
                } catch (InterruptedException e) {
                    // Interrupted by stop(): the consumer wants no more batches.
                } catch (Throwable t) {
                    try {
                        queue.put(new Failure(t));
                    } catch (InterruptedException e) {
                        // Stopped while handing over the error: nobody is left to receive it.
                    }
                }
            }

            void stop() {
                stopped = true;
                thread.interrupt();
            }
        }

        private final Pipe pipe;
        private final Cleaner.Cleanable cleanable;
        private int remaining;

        private Epoch(DataLoader loader, int epoch, int startBatch) {
            this.pipe = new Pipe(loader, epoch, startBatch);
            this.remaining = loader.batchesPerEpoch() - startBatch;
            this.cleanable = CLEANER.register(this, pipe::stop);
            pipe.thread.setDaemon(true);
            pipe.thread.start();
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        /** The next batch, waiting for the background thread only if it has fallen behind. */
        @Override
        public Batch next() {
            if (pipe.stopped) throw new IllegalStateException("this epoch's iterator is closed");
            if (remaining == 0) throw new NoSuchElementException("the epoch has no more batches");
            final Object item;
            try {
                item = pipe.queue.take();
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
            if (item instanceof Failure f) {
                close();
                switch (f.error()) {
                    case RuntimeException e -> throw e;
                    case Error e -> throw e;
                    default -> throw new IllegalStateException(f.error().getMessage(), f.error());
                }
            }
            remaining--;
            return (Batch) item;
        }

        /** Stops the background thread; batches it had made are dropped. */
        @Override
        public void close() {
            remaining = 0;
            cleanable.clean();
        }

        /** The background thread, for tests that check it stops. */
        Thread thread() {
            return pipe.thread;
        }
    }
}
