package sau.nn;

import sau.ops.Arithmetic;
import sau.ops.Views;
import sau.tensor.Device;
import sau.tensor.Tensor;

/**
 * Adds the fixed positional encoding of Vaswani et al. (2017, section 3.5) to a batch of
 * embedded sequences {@code [batch, length, d_model]}:
 * <pre>
 *   PE(pos, 2i) = sin(pos / 10000^(2i/d_model)),   PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))
 * </pre>
 * Attention by itself ignores order; these waves of geometrically growing wavelength give each
 * position a distinct code, and PE(pos+k) is a linear function of PE(pos), which lets attention
 * find relative offsets. The table is computed once for {@code maxLen} positions; it has no
 * parameters and is not saved (it is a function of the sizes).
 */
public final class SinusoidalPositionalEncoding extends Module {

    private final int dModel;
    private final int maxLen;
    private final Tensor table;
    private Tensor deviceTable; // the table's copy on the device of the last input, when that is not the CPU

    public SinusoidalPositionalEncoding(int dModel, int maxLen) {
        if (dModel <= 0 || maxLen <= 0) throw new IllegalArgumentException("positional encoding needs positive d_model and max_len, got " + dModel + ", " + maxLen);
        this.dModel = dModel;
        this.maxLen = maxLen;
        this.table = Tensor.zeros(maxLen, dModel);
        final float[] pe = table.data();
        for (int pos = 0; pos < maxLen; pos++) {
            for (int i = 0; i < dModel; i += 2) {
                final double angle = pos / Math.pow(10000, (double) i / dModel);
                pe[pos * dModel + i] = (float) Math.sin(angle);
                if (i + 1 < dModel) pe[pos * dModel + i + 1] = (float) Math.cos(angle);
            }
        }
    }

    /** The encoding of positions {@code 0 .. length-1}, {@code [length, d_model]}. */
    public Tensor encoding(int length) {
        return encoding(length, table.device());
    }

    /** {@link #encoding(int)} on {@code device}. */
    private Tensor encoding(int length, Device device) {
        if (length > maxLen) throw new IllegalArgumentException("a sequence of " + length + " positions is longer than the positional encoding's max_len " + maxLen);
        return Views.narrow(tableOn(device), 0, 0, length);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.size(2) != dModel) throw new IllegalArgumentException("positional encoding expects [batch, length, " + dModel + "], got " + sau.tensor.Shape.str(x.shape()));
        return Arithmetic.add(x, encoding(x.size(1), x.device()));
    }

    /** The table on {@code device}: copied there on first use and kept, as it never changes. */
    private Tensor tableOn(Device device) {
        if (device.equals(table.device())) return table;
        if (deviceTable == null || !deviceTable.device().equals(device)) deviceTable = table.to(device);
        return deviceTable;
    }

    @Override
    protected String extraRepr() {
        return "d_model=" + dModel + ", max_len=" + maxLen;
    }
}
