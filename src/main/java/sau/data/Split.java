package sau.data;

import java.util.Locale;

/** Which part of a dataset to read: the part to train on, or the held-out part to test on. */
public enum Split {
    TRAIN,
    TEST;

    /** Parses {@code "train"} or {@code "test"} as written in a config file. */
    public static Split parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "train" -> TRAIN;
            case "test" -> TEST;
            default -> throw new DataError("unknown split \"" + name + "\"; expected \"train\" or \"test\"");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
