// The optimizers' update rules, one thread per parameter element; the formulas are written above
// SGD.update and Adam.update on the Java side, and these kernels follow them line by line.
#include "common.cuh"

// SGD with momentum, dampening, Nesterov and (L2) weight decay. first: the momentum buffer is
// empty, so it starts as the gradient itself.
extern "C" __global__ void sgd_step(float* p, const float* g, float* buf, long n, float lr, float wd, float mu,
                                    float keep, int nesterov, int first) {
    FOR_EACH(i, n) {
        float d = g[i];
        if (wd != 0.f) d = d + p[i] * wd;
        if (buf != nullptr) {
            const float b = first ? d : buf[i] * mu + d * keep;
            buf[i] = b;
            d = nesterov ? d + b * mu : b;
        }
        p[i] = p[i] - d * lr;
    }
}

// Adam and AdamW (decay != 1: decoupled weight decay), with AMSGrad when vMax is given.
extern "C" __global__ void adam_step(float* p, const float* g, float* m, float* v, float* vMax, long n, float decay,
                                     float l2, float b1, float b2, float c1, float c2, float stepSize, float bc2Sqrt, float eps) {
    FOR_EACH(i, n) {
        float w = p[i];
        float d = g[i];
        if (decay != 1.f) w = w * decay;
        if (l2 != 0.f) d = d + w * l2;
        const float mi = m[i] * b1 + d * c1;
        float vi = v[i] * b2 + d * d * c2;
        m[i] = mi;
        v[i] = vi;
        if (vMax != nullptr) {
            vi = fmaxf(vMax[i], vi);
            vMax[i] = vi;
        }
        const float denom = sqrtf(vi) / bc2Sqrt + eps;
        p[i] = w - mi / denom * stepSize;
    }
}
