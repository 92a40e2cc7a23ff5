package sau.tensor;

/**
 * Where a tensor's numbers live: in the JVM's heap ({@code cpu}) or in the memory of one NVIDIA
 * GPU ({@code cuda:N}). Written as PyTorch writes it: {@code "cpu"}, {@code "cuda"} (the first
 * GPU), {@code "cuda:1"}. Choosing {@code "auto"} (the GPU when one is usable, else the CPU) is
 * {@code sau.backend.Devices}' job, because only the CUDA backend can tell whether a GPU works.
 */
public record Device(Type type, int index) {

    public enum Type { CPU, CUDA }

    public static final Device CPU = new Device(Type.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be 0 or more, got " + index);
        if (type == Type.CPU && index != 0) throw new IllegalArgumentException("the CPU has no index: write \"cpu\"");
    }

    public static Device cuda(int index) {
        return new Device(Type.CUDA, index);
    }

    /** {@code "cpu"}, {@code "cuda"} or {@code "cuda:N"}. */
    public static Device parse(String spec) {
        final String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) return CPU;
        if (s.equals("cuda")) return cuda(0);
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (IllegalArgumentException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("unknown device \"" + spec + "\": use \"cpu\", \"cuda\", \"cuda:N\" (N = 0, 1, ...) or \"auto\"");
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : "cpu";
    }
}
