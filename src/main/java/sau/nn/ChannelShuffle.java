package sau.nn;

import sau.ops.ChannelShuffleOp;
import sau.tensor.Tensor;

/**
 * ShuffleNet's channel shuffle: interleaves the channels of {@code groups} groups, so that the
 * next grouped convolution mixes information across all of them. No parameters.
 */
public final class ChannelShuffle extends Module {

    private final int groups;

    public ChannelShuffle(int groups) {
        if (groups < 1) throw new IllegalArgumentException("channel shuffle needs at least one group, got " + groups);
        this.groups = groups;
    }

    @Override
    public Tensor forward(Tensor x) {
        return ChannelShuffleOp.channelShuffle(x, groups);
    }

    public int groups() {
        return groups;
    }

    @Override
    protected String extraRepr() {
        return "groups=" + groups;
    }
}
