// Picking elements by index: index_select (and embedding, its case a = 1), its gradient, gather
// and scatter-add. Indices are whole numbers stored as floats (sau has one dtype), checked on the
// CPU before a kernel sees them. No kernel uses atomics: every output element is written by the
// one thread that owns it, which adds its contributions in the order the CPU does.
#include "common.cuh"

// x seen as [a, r, b] (r along the indexed dimension), out as [a, L, b]:
// out[i, j, k] = x[i, index[j], k], one thread per output element.
extern "C" __global__ void index_select(const float* x, const float* index, float* out, int a, int r, int b, int L) {
    FOR_EACH(o, (long)a * L * b) {
        const long i = o / ((long)L * b), j = (o / b) % L, k = o % b;
        out[o] = x[(i * r + (long)index[j]) * b + k];
    }
}

// The gradient of index_select, grouped by the row it was taken from: group u is row rows[u],
// taken at the positions positions[starts[u] .. starts[u+1]) (in increasing order). One thread
// per (i, u, k) writes gx[i, rows[u], k] = Σ g[i, position, k]; gx is zero elsewhere.
extern "C" __global__ void index_add_grouped(const float* g, const float* rows, const float* starts, const float* positions, float* gx,
                                             int a, int r, int b, int L, int groups) {
    FOR_EACH(t, (long)a * groups * b) {
        const long i = t / ((long)groups * b), u = (t / b) % groups, k = t % b;
        const int first = (int)starts[u], last = (int)starts[u + 1];
        float s = 0.f;
        for (int p = first; p < last; p++) s += g[(i * L + (long)positions[p]) * b + k];
        gx[(i * r + (long)rows[u]) * b + k] = s;
    }
}

// Shapes for gather and scatter-add: x (contiguous) and index (contiguous) have the same rank;
// `dim` is the dimension the index values select along.
struct IndexLayout {
    int rank;
    int dim;
    int xshape[MAX_RANK];
    int ishape[MAX_RANK];
};

// out[o] = x[position o of index, with coordinate dim replaced by index[o]], one thread per o.
extern "C" __global__ void gather(const float* x, const float* index, float* out, long n, IndexLayout l) {
    FOR_EACH(o, n) {
        long rem = o, p = 0, stride = 1;
        for (int k = l.rank - 1; k >= 0; k--) {
            const long pos = rem % l.ishape[k];
            rem /= l.ishape[k];
            p += (k == l.dim ? (long)index[o] : pos) * stride;
            stride *= l.xshape[k];
        }
        out[o] = x[p];
    }
}

// out = x, plus src[o] added at every position o of index that points at the element: one thread
// per element q of x scans the index entries that can reach it (same coordinates outside dim,
// every coordinate along dim), in increasing o, as the CPU adds them.
extern "C" __global__ void scatter_add(const float* x, const float* index, const float* src, float* out, long n, IndexLayout l) {
    FOR_EACH(q, n) {
        long rem = q, base = 0, istride = 1, stepAlongDim = 0;
        int target = 0;
        bool reachable = true;
        for (int k = l.rank - 1; k >= 0; k--) {
            const int c = (int)(rem % l.xshape[k]);
            rem /= l.xshape[k];
            if (k == l.dim) {
                target = c;
                stepAlongDim = istride;
            } else {
                if (c >= l.ishape[k]) reachable = false;
                base += c * istride;
            }
            istride *= l.ishape[k];
        }
        float acc = x[q];
        if (reachable) {
            for (int j = 0; j < l.ishape[l.dim]; j++) {
                const long o = base + j * stepAlongDim;
                if ((int)index[o] == target) acc += src[o];
            }
        }
        out[q] = acc;
    }
}
