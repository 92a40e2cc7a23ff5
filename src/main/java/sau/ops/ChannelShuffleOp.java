package sau.ops;

import java.util.Arrays;
import java.util.List;
import sau.autograd.Node;
import sau.backend.Backend;
import sau.backend.Devices;
import sau.tensor.Arena;
import sau.tensor.Shape;
import sau.tensor.Tensor;

/**
 * Channel shuffle (ShuffleNet, Zhang et al., 2018): with the C channels split into {@code g}
 * groups of {@code C/g}, output channel {@code j·g + i} is input channel {@code i·(C/g) + j}, so
 * that the next grouped convolution sees channels from every group.
 *
 * <p>It is nothing but a permutation of channels, so it is built from views: reshape
 * {@code [N, C, H, W]} to {@code [N, g, C/g, H, W]}, swap the two group dimensions, and reshape
 * back (the only copy happens there). Autograd then differentiates it through those views: the
 * gradient is the inverse permutation of the output's gradient.
 */
public final class ChannelShuffleOp {

    private ChannelShuffleOp() {}

    /** Shuffles dimension 1 of {@code x} ({@code [N, C, *]}) in {@code groups} groups. */
    public static Tensor channelShuffle(Tensor x, int groups) {
        if (x.dim() < 2) throw new IllegalArgumentException("channel shuffle needs an input [N, C, *], got shape " + Shape.str(x.shape()));
        final int channels = x.size(1);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("channel shuffle: " + channels + " channels do not split into " + groups + " groups");
        }
        final int[] shape = x.shape();
        final int[] split = new int[shape.length + 1];
        split[0] = shape[0];
        split[1] = groups;
        split[2] = channels / groups;
        System.arraycopy(shape, 2, split, 3, shape.length - 2);
        return Views.reshape(Views.transpose(Views.reshape(x, split), 1, 2), shape);
    }

    /**
     * {@code channelShuffle(cat(parts, 1), parts.size())} in one pass: the parts (each
     * {@code [N, C, *]} with the same shape) become the groups, so output channel {@code j·g + i}
     * is channel j of part i. Gradient: part i gets output channels i, g + i, 2g + i, ... of dL/dy.
     */
    public static Tensor concatAndShuffle(List<Tensor> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat and shuffle of no tensors");
        final Tensor first = parts.get(0);
        if (first.dim() < 2) throw new IllegalArgumentException("concat and shuffle needs inputs [N, C, *], got shape " + Shape.str(first.shape()));
        for (Tensor p : parts) {
            if (!Arrays.equals(p.shape(), first.shape())) {
                throw new IllegalArgumentException("concat and shuffle: shape " + Shape.str(p.shape()) + " differs from " + Shape.str(first.shape()) + "; every part is one group");
            }
        }
        final int groups = parts.size();
        final int[] shape = first.shape();
        shape[1] *= groups;
        final Tensor out = Arena.empty(Devices.common("concat and shuffle", parts.toArray(new Tensor[0])), shape);
        for (int i = 0; i < groups; i++) Backend.copyInto(group(out, i, groups), parts.get(i));
        return Node.record("ConcatShuffle", out, g -> {
            final Tensor[] grads = new Tensor[groups];
            for (int i = 0; i < groups; i++) {
                grads[i] = Arena.empty(g.device(), first.shape());
                Backend.copyInto(grads[i], group(g, i, groups));
            }
            return grads;
        }, parts.toArray(new Tensor[0]));
    }

    /** The view of y's channels i, g + i, 2g + i, ...: group i of the shuffled channels. */
    private static Tensor group(Tensor y, int i, int groups) {
        final int[] shape = y.shape(), strides = y.strides();
        shape[1] /= groups;
        strides[1] *= groups;
        return y.view(shape, strides, y.offset() + i * y.stride(1));
    }
}
