package sau.optim;

import java.util.List;
import sau.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's
 * {@code torch.optim.AdamW}: before the Adam step every parameter shrinks by the factor
 * {@code 1 − lr·weight_decay}. Unlike the L2 term of {@link Adam}, this decay is not divided by
 * √v, so parameters with large gradients are not decayed less than the others. The update
 * formula is written above {@link Adam}'s {@code update}.
 */
public final class AdamW extends Adam {

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(params, lr, beta1, beta2, eps, weightDecay, amsgrad, true);
    }

    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, false, true);
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(List<Tensor> params, double lr) {
        super(params, lr, 0.9, 0.999, 1e-8, 0.01, false, true);
    }
}
