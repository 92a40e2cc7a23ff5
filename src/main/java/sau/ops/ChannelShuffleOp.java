package sau.ops;

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
}
