#!/usr/bin/env python3
"""The PyTorch side of sau's benchmarks: the same workloads, shapes and thread count, so that
`bin/sau bench` and this script can be compared on one machine. Prints one JSON object per row.

    /usr/bin/python3 src/bench/python/bench_torch.py mlp gemm sau [--threads 2]

With Debian's python3-torch, matrix products go through whatever libblas.so.3 points at: install
libopenblas0-openmp for a fair baseline. OpenBLAS 0.3.21 runs its AVX2 kernels on a Zen 4 or 5;
`bin/sau bench --vs-pytorch` sets OPENBLAS_CORETYPE=SkylakeX on a CPU with AVX-512 unless the
variable is already set. The row's "blas" field says which library was loaded, and the coretype.
"""
import inspect
import json
import math
import os
import statistics
import sys
import time

import torch


def blas_library():
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
        names = ", ".join(sorted(p.rsplit("/", 1)[-1] for p in libs)) or "unknown"
    except OSError:
        return "unknown"
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    return names + (f" (OPENBLAS_CORETYPE={coretype})" if coretype and "openblas" in names else "")


def peak_rss_mb():
    """Peak resident memory of this process (VmHWM). Not getrusage's ru_maxrss: that one is
    carried across exec, so a benchmark started by a large JVM would report the JVM's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(work, warmup_s=0.5, budget_s=2.0, min_runs=3, max_runs=1000):
    """Median and spread of repeated runs after a warm-up, like sau.bench.Measure."""
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        work()
    times = []
    start = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - start < budget_s and len(times) < max_runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    q1, _, q3 = statistics.quantiles(times, n=4)
    return med, (q3 - q1) / med  # the interquartile range over the median, as sau reports it


def bench_mlp(batch=128):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
                                torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    med, spread = measure(step, warmup_s=3.0, budget_s=10.0)
    return [{"bench": "train_mlp", "impl": "pytorch", "batch": batch, "ms": med * 1e3,
             "spread_pct": spread * 100, "images_per_s": batch / med}]


def train_step_rows(name, model, classes, batch=128):
    torch.manual_seed(0)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, 32, 32)
    y = torch.randint(0, classes, (batch,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    med, spread = measure(step, warmup_s=3.0, budget_s=10.0)
    return [{"bench": name, "impl": "pytorch", "batch": batch, "ms": med * 1e3,
             "spread_pct": spread * 100, "images_per_s": batch / med}]


def bench_vgg16():
    """torchvision's vgg16_bn features with the CIFAR head (one Linear(512, 10)), as sau's "vgg"."""
    import torchvision
    vgg = torchvision.models.vgg16_bn(num_classes=10)
    model = torch.nn.Sequential(vgg.features, torch.nn.Flatten(), torch.nn.Linear(512, 10))
    return train_step_rows("train_vgg16_bn", model, 10)


def bench_shufflenet():
    """torchvision's shufflenet_v2_x1_0 with the CIFAR stem (first conv stride 1, no max pool)."""
    import torchvision
    net = torchvision.models.shufflenet_v2_x1_0(num_classes=100)
    net.conv1[0].stride = (1, 1)
    net.maxpool = torch.nn.Identity()
    return train_step_rows("train_shufflenet_v2_x1_0", net, 100)


def bench_ssd300(batch=8, size=300):
    """torchvision's ssd300_vgg16 (21 classes, no pre-trained weights) training steps: its own
    transform, anchor matching and multibox loss, with three objects per image, as sau's "ssd300"."""
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.detection.ssd300_vgg16(weights=None, weights_backbone=None, num_classes=21)
    model.transform.min_size, model.transform.max_size = (size,), size
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    images = list(torch.randn(batch, 3, size, size))
    boxes = torch.tensor([[0.1, 0.1, 0.4, 0.5], [0.5, 0.2, 0.9, 0.6], [0.3, 0.6, 0.6, 0.95]]) * size
    targets = [{"boxes": boxes.clone(), "labels": torch.randint(1, 21, (3,))} for _ in range(batch)]

    def step():
        opt.zero_grad()
        sum(model(images, targets).values()).backward()
        opt.step()

    med, spread = measure(step, warmup_s=3.0, budget_s=10.0)
    return [{"bench": "train_ssd300_vgg16", "impl": "pytorch", "batch": batch, "size": size, "ms": med * 1e3,
             "spread_pct": spread * 100, "images_per_s": batch / med}]


class TranslationTransformer(torch.nn.Module):
    """nn.Transformer with what sau's Transformer adds: a shared embedding scaled by sqrt(d_model),
    sinusoidal positions, dropout on their sum, and the output projection tied to the embedding."""

    def __init__(self, vocab, d_model=256, nhead=4, layers=3, ff=1024, dropout=0.1, max_len=64):
        super().__init__()
        self.d_model = d_model
        self.embed = torch.nn.Embedding(vocab, d_model, padding_idx=0)
        torch.nn.init.normal_(self.embed.weight, 0, d_model ** -0.5)
        self.transformer = torch.nn.Transformer(d_model, nhead, layers, layers, ff, dropout, batch_first=True)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.pow(10000.0, torch.arange(0, d_model, 2) / d_model)
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos / div)
        pe[:, 1::2] = torch.cos(pos / div)
        self.register_buffer("pe", pe)
        self.dropout = torch.nn.Dropout(dropout)

    def embed_positions(self, ids):
        return self.dropout(self.embed(ids) * math.sqrt(self.d_model) + self.pe[: ids.size(1)])

    def forward(self, src, tgt):
        causal = self.transformer.generate_square_subsequent_mask(tgt.size(1))
        h = self.transformer(self.embed_positions(src), self.embed_positions(tgt), tgt_mask=causal)
        return h @ self.embed.weight.t()


def bench_transformer(batch=32, length=32, vocab=8000):
    """The same workload as sau's: configs/transformer-ding-small.json's model, Adam, label smoothing 0.1."""
    torch.manual_seed(0)
    model = TranslationTransformer(vocab, max_len=max(64, length + 1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-9)
    src = torch.randint(4, vocab, (batch, length))
    tgt_in = torch.randint(4, vocab, (batch, length))
    tgt_out = torch.randint(4, vocab, (batch * length,))

    def step():
        opt.zero_grad()
        logits = model(src, tgt_in)
        torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), tgt_out, label_smoothing=0.1, ignore_index=0).backward()
        opt.step()

    med, spread = measure(step, warmup_s=3.0, budget_s=10.0)
    return [{"bench": "train_transformer", "impl": "pytorch", "batch": batch, "length": length, "ms": med * 1e3,
             "spread_pct": spread * 100, "tokens_per_s": batch * length / med}]


def bench_gemm(sizes=(512, 1024, 2048)):
    rows = []
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        med, spread = measure(lambda: torch.mm(a, b))
        rows.append({"bench": "gemm", "impl": "pytorch", "size": n, "ms": med * 1e3,
                     "spread_pct": spread * 100, "GFLOP/s": 2 * n ** 3 / med * 1e-9})
    return rows


def sau(x, alpha, n):
    """The paper's equation (3), written with autograd ops as a PyTorch user would."""
    return (1 / (2 * n)) * math.sqrt(2 / math.pi) * torch.exp(-(n * x) ** 2 / 2) \
        + (1 + alpha) / 2 * x + (1 - alpha) / 2 * x * torch.erf(n * x / math.sqrt(2))


def bench_sau(count=16 * 1024 * 1024):
    x = torch.randn(count, requires_grad=True)
    alpha = torch.tensor(0.15, requires_grad=True)
    g = torch.randn(count)

    def fwd_bwd():
        x.grad = None
        alpha.grad = None
        sau(x, alpha, 20000.0).backward(g)

    med, spread = measure(fwd_bwd, warmup_s=1.0, budget_s=4.0)
    # the same bytes sau counts: forward reads x and writes y, backward reads x and dL/dy, writes dL/dx
    return [{"bench": "sau", "impl": "pytorch_autograd", "n": 20000.0, "elements": count, "total_ms": med * 1e3,
             "spread_pct": spread * 100, "GB/s": 20 * count / med * 1e-9}]


# Layer shapes, as in sau.bench.ConvBench and sau.bench.LayerBench.
SMALL_VGG = [(3, 16, 32), (16, 32, 16), (32, 64, 8), (64, 64, 8), (64, 128, 4), (128, 128, 4), (128, 128, 2), (128, 128, 2)]
VGG16 = [(3, 64, 32), (64, 64, 32), (64, 128, 16), (128, 128, 16), (128, 256, 8), (256, 256, 8), (256, 512, 4), (512, 512, 4), (512, 512, 2)]
POINTWISE = [(24, 58, 32), (24, 58, 16), (58, 58, 16), (116, 116, 16), (116, 116, 8), (232, 232, 8), (232, 232, 4), (464, 1024, 4)]
DEPTHWISE = [(24, 32, 2), (58, 32, 2), (58, 16, 1), (116, 16, 2), (116, 8, 1), (232, 8, 2), (232, 4, 1)]
BATCH_NORM = [(64, 32), (256, 8), (116, 16), (464, 4)]
ACTIVATIONS = ["relu", "leaky_relu", "prelu", "elu", "softplus", "silu", "gelu", "relu6", "sau"]


def conv_row(bench, layer, batch, cin, cout, side, stride=1, groups=1, bias=False, kernel=3):
    """Forward, then the gradients of input and weights (sau's three passes), of one kernel x kernel convolution ("same" padding)."""
    x = torch.randn(batch, cin, side, side, requires_grad=True)
    w = torch.randn(cout, cin // groups, kernel, kernel, requires_grad=True)
    b = torch.randn(cout, requires_grad=True) if bias else None
    pad = kernel // 2
    dy = torch.nn.functional.conv2d(x, w, b, stride, pad, 1, groups).detach().normal_()

    def step():
        x.grad = w.grad = None
        torch.nn.functional.conv2d(x, w, b, stride, pad, 1, groups).backward(dy)

    med, spread = measure(step, warmup_s=0.3, budget_s=1.0)
    return {"bench": bench, "impl": "pytorch", "layer": layer, "batch": batch, "ms": med * 1e3, "spread_pct": spread * 100}


def bench_conv(batch=128):
    rows = [conv_row("conv", f"{cin}->{cout} @{side}x{side}", batch, cin, cout, side, bias=True) for cin, cout, side in SMALL_VGG]
    rows.append({"bench": "conv", "impl": "pytorch", "layer": "total", "batch": batch, "ms": sum(r["ms"] for r in rows)})
    return rows


def bench_conv_vgg16(batch=128):
    return [conv_row("conv_vgg16", f"{cin}->{cout} @{side}x{side}", batch, cin, cout, side) for cin, cout, side in VGG16]


def bench_pointwise(batch=128):
    return [conv_row("pointwise", f"{cin}->{cout} @{side}x{side}", batch, cin, cout, side, kernel=1) for cin, cout, side in POINTWISE]


def bench_depthwise(batch=128):
    return [conv_row("depthwise", f"{c} @{side}x{side} s{stride}", batch, c, c, side, stride, groups=c) for c, side, stride in DEPTHWISE]


def bench_gemm_im2col(n=1024):
    rows = []
    for cin, cout, side in VGG16:
        m, k = cout, cin * 9
        a, b = torch.randn(m, k), torch.randn(k, n)
        med, spread = measure(lambda: torch.mm(a, b))
        rows.append({"bench": "gemm_im2col", "impl": "pytorch", "layer": f"{cin}->{cout} @{side}x{side}", "m": m, "n": n, "k": k,
                     "ms": med * 1e3, "spread_pct": spread * 100, "GFLOP/s": 2 * m * n * k / med * 1e-9})
    return rows


def bench_batchnorm(batch=128):
    rows = []
    for channels, side in BATCH_NORM:
        x = torch.randn(batch, channels, side, side, requires_grad=True)
        weight, bias = torch.randn(channels, requires_grad=True), torch.randn(channels, requires_grad=True)
        g = torch.randn(batch, channels, side, side)

        def step():
            x.grad = weight.grad = bias.grad = None
            torch.nn.functional.batch_norm(x, None, None, weight, bias, training=True).backward(g)

        med, spread = measure(step)
        rows.append({"bench": "batchnorm", "impl": "pytorch", "layer": f"{channels} @{side}x{side}", "batch": batch,
                     "ms": med * 1e3, "spread_pct": spread * 100})
    return rows


def bench_activation(count=16 * 1024 * 1024):
    F = torch.nn.functional
    alpha = torch.tensor(0.15, requires_grad=True)
    functions = {"relu": F.relu, "leaky_relu": F.leaky_relu, "prelu": torch.nn.PReLU(), "elu": F.elu, "softplus": F.softplus,
                 "silu": F.silu, "gelu": F.gelu, "relu6": F.relu6, "sau": lambda t: sau(t, alpha, 20000.0)}
    x = torch.randn(count, requires_grad=True)
    g = torch.randn(count)
    rows = []
    for name in ACTIVATIONS:
        f = functions[name]

        def step():
            x.grad = None
            f(x).backward(g)

        med, spread = measure(step)
        rows.append({"bench": "activation", "impl": "pytorch", "activation": name, "elements": count,
                     "ms": med * 1e3, "spread_pct": spread * 100, "GB/s": 20 * count / med * 1e-9})
    return rows


BENCHES = {"mlp": bench_mlp, "gemm": bench_gemm, "gemm_im2col": bench_gemm_im2col, "conv": bench_conv, "conv_vgg16": bench_conv_vgg16,
           "depthwise": bench_depthwise, "pointwise": bench_pointwise, "batchnorm": bench_batchnorm, "sau": bench_sau, "activation": bench_activation,
           "vgg16": bench_vgg16, "shufflenet": bench_shufflenet, "ssd300": bench_ssd300,
           "transformer": bench_transformer}

# options of sau's benchmarks that the functions here take as keyword arguments
OPTIONS = {"--batch": ("batch", int), "--size": ("size", int), "--sizes": ("sizes", lambda v: tuple(int(x) for x in v.split(",")))}


def main(argv):
    threads = 2
    if "--threads" in argv:
        i = argv.index("--threads")
        threads = int(argv[i + 1])
        del argv[i:i + 2]
    torch.set_num_threads(threads)
    names, options = [], {}
    while argv:
        arg = argv.pop(0)
        if arg.startswith("--"):
            value = argv.pop(0) if argv else None
            if arg in OPTIONS and value is not None:
                key, parse = OPTIONS[arg]
                options[key] = parse(value)
        else:
            names.append(arg)
    names = names or list(BENCHES)
    for name in names:
        if name not in BENCHES:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}")
        accepted = inspect.signature(BENCHES[name]).parameters
        for row in BENCHES[name](**{k: v for k, v in options.items() if k in accepted}):
            row.setdefault("threads", threads)
            row.update({"torch": torch.__version__, "blas": blas_library(),
                        "peak_rss_mb": peak_rss_mb()})
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
