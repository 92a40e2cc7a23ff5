#!/usr/bin/env python3
"""The PyTorch side of `bin/sau bench --device cuda`: the same workloads on the same GPU, one JSON
object per row. PyTorch runs with its defaults except the precision each row names: "fp32" turns
TF32 off for matrix products and cuDNN convolutions, "tf32" turns it on for both (cuDNN's default).

    python3 src/bench/python/bench_torch_cuda.py gemm_cuda sau_cuda train_vgg16_bn_cuda
"""
import json
import sys

import torch

import bench_torch as cpu_side  # its timing loop and its SAU formula

DEV = torch.device("cuda")


def measure(work, warmup_s=1.0, budget_s=3.0, min_runs=5):
    """Median and spread of whole runs, each waited for, as sau.bench.CudaBench times them."""
    def run():
        work()
        torch.cuda.synchronize()
    return cpu_side.measure(run, warmup_s=warmup_s, budget_s=budget_s, min_runs=min_runs)


def precision(tf32):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    return "tf32" if tf32 else "fp32"


def copy_gbs():
    n = 1 << 28
    src, dst = torch.zeros(n, device=DEV), torch.empty(n, device=DEV)
    med, _ = measure(lambda: dst.copy_(src))
    return 8 * n / med * 1e-9


def bench_gemm_cuda(sizes=(2048, 4096, 8192)):
    rows = []
    for n in sizes:
        a, b = torch.randn(n, n, device=DEV), torch.randn(n, n, device=DEV)
        for tf32 in (False, True):
            p = precision(tf32)
            med, spread = measure(lambda: torch.mm(a, b))
            rows.append({"bench": "gemm_cuda", "impl": "pytorch_cublas", "precision": p, "size": n, "ms": med * 1e3,
                         "spread_pct": spread * 100, "tflops": 2 * n ** 3 / med * 1e-12})
    precision(False)
    return rows


def bench_sau_cuda(count=1 << 28):
    x = torch.randn(count, device=DEV, requires_grad=True)
    alpha = torch.tensor(0.15, device=DEV, requires_grad=True)
    g = torch.randn(count, device=DEV)
    copy = copy_gbs()
    rows = []
    for n in (20000.0, 1.0):
        def fwd_bwd():
            x.grad = None
            alpha.grad = None
            cpu_side.sau(x, alpha, n).backward(g)
        med, spread = measure(fwd_bwd)
        gbs = 20 * count / med * 1e-9
        rows.append({"bench": "sau_cuda", "impl": "pytorch_autograd", "n": n, "ms": med * 1e3, "spread_pct": spread * 100,
                     "gb_per_s": gbs, "copy_gb_per_s": copy, "pct_of_copy": 100 * gbs / copy})
    return rows


def train_rows(name, model, classes, batch):
    torch.manual_seed(0)
    model = model.to(DEV)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, 32, 32, device=DEV)
    y = torch.randint(0, classes, (batch,), device=DEV)

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    rows = []
    for tf32 in (False, True):
        p = precision(tf32)
        med, spread = measure(step, warmup_s=2.0, budget_s=5.0)
        rows.append({"bench": name, "impl": "pytorch", "precision": p, "batch": batch, "ms": med * 1e3,
                     "spread_pct": spread * 100, "images_per_s": batch / med})
    precision(False)
    return rows


def bench_train_vgg16_bn_cuda(batch=128):
    """torchvision's vgg16_bn features with the CIFAR head (one Linear(512, 10)), as sau's "vgg"."""
    import torchvision
    vgg = torchvision.models.vgg16_bn(num_classes=10)
    model = torch.nn.Sequential(vgg.features, torch.nn.Flatten(), torch.nn.Linear(512, 10))
    return train_rows("train_vgg16_bn_cuda", model, 10, batch)


def bench_train_shufflenet_v2_x1_0_cuda(batch=128):
    """torchvision's shufflenet_v2_x1_0 with the CIFAR stem (first conv stride 1, no max pool)."""
    import torchvision
    net = torchvision.models.shufflenet_v2_x1_0(num_classes=100)
    net.conv1[0].stride = (1, 1)
    net.maxpool = torch.nn.Identity()
    return train_rows("train_shufflenet_v2_x1_0_cuda", net, 100, batch)


BENCHES = {name[len("bench_"):]: f for name, f in globals().items() if name.startswith("bench_")}


def main(argv):
    names, options = [], {}
    while argv:
        arg = argv.pop(0)
        if arg == "--batch":
            options["batch"] = int(argv.pop(0))
        elif arg == "--sizes":
            options["sizes"] = tuple(int(v) for v in argv.pop(0).split(","))
        elif arg.startswith("--"):
            argv.pop(0) if argv and not argv[0].startswith("--") else None
        else:
            names.append(arg)
    for name in names or list(BENCHES):
        if name not in BENCHES:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}")
        f = BENCHES[name]
        accepted = f.__code__.co_varnames[:f.__code__.co_argcount]
        for row in f(**{k: v for k, v in options.items() if k in accepted}):
            row.update({"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0)})
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
