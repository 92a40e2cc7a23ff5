package sau.data;

/** The first {@code size} samples of another dataset, for quick runs on part of the data. */
public final class Subset extends DatasetView {

    private final int size;

    public Subset(Dataset inner, int size) {
        super(inner);
        if (size < 1 || size > inner.size()) {
            throw new DataError(inner + " has " + inner.size() + " samples; cannot take the first " + size);
        }
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "first " + size + " of " + inner;
    }
}
