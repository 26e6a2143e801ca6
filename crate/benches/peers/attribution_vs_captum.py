"""Times Captum / pytorch-grad-cam on the benchmark's MNIST-shaped CNN (PyTorch CPU, 2 threads)
and prints the ratio glassbox / PyTorch for each case (< 1: glassbox is faster).

Run `cargo bench -p glassbox --bench attribution` first: the glassbox times are read from
criterion's `target/criterion/attribution/<case>/<batch>/new/estimates.json` (mean).
Pinned: torch 2.15.0, captum 0.9.0, grad-cam 1.5.7.
"""
import json
import os
import time

import torch
import torch.nn as nn
from captum.attr import IntegratedGradients, LayerGradCam, Saliency
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

torch.set_num_threads(2)
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = (nn.Conv2d(1, 16, 3, padding=1),
                                              nn.Conv2d(16, 32, 3, padding=1),
                                              nn.Conv2d(32, 64, 3, padding=1))
        self.relu1, self.relu2, self.relu3 = nn.ReLU(), nn.ReLU(), nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.relu1(self.conv1(x)))
        x = self.pool(self.relu2(self.conv2(x)))
        x = self.relu3(self.conv3(x))
        return self.fc(x.mean((2, 3)))


net = Net().eval()
for p in net.parameters():
    p.requires_grad_(False)  # as glassbox: input / activation gradients only


def timeit(f, repeat=10):
    f()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return sum(times) / len(times)


root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "target",
                    "criterion", "attribution")


def ours(case, batch, group="attribution"):
    path = os.path.join(root, "..", group, case, str(batch), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["mean"]["point_estimate"] / 1e9
    except FileNotFoundError:
        return None


print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; model: MNIST-shaped CNN")
print(f"{'case':<28}{'batch':>6}{'PyTorch ms':>12}{'glassbox ms':>13}{'ratio':>8}")
for batch in [1, 16]:
    x = torch.rand(batch, 1, 28, 28)
    target = torch.tensor([i % 10 for i in range(batch)])
    sal = Saliency(net)
    gc = GradCAM(model=net, target_layers=[net.relu3])
    lgc = LayerGradCam(net, net.relu3)
    ig = IntegratedGradients(net)
    cases = {
        "saliency": lambda: sal.attribute(x, target=target, abs=True),
        "grad_cam": lambda: lgc.attribute(x, target=target),
        # pytorch-grad-cam needs a graph: with frozen weights, the input must require grad.
        "grad_cam (pytorch-grad-cam)": lambda: gc(input_tensor=x.clone().requires_grad_(True),
                                                   targets=[ClassifierOutputTarget(int(t)) for t in target]),
        "integrated_gradients_50": lambda: ig.attribute(x, target=target, n_steps=50,
                                                        internal_batch_size=50 * batch),
    }
    for name, f in cases.items():
        theirs = timeit(f)
        mine = ours(name.split(" ")[0], batch)
        ratio = f"{mine / theirs:8.2f}" if mine else "     n/a"
        mine_ms = f"{mine * 1e3:13.3f}" if mine else "          n/a"
        print(f"{name:<28}{batch:>6}{theirs * 1e3:12.3f}{mine_ms}{ratio}")

if os.environ.get("GLASSBOX_BENCH_VGG16"):
    import torchvision
    vgg = torchvision.models.vgg16(weights=None).eval()
    for p in vgg.parameters():
        p.requires_grad_(False)
    x = torch.rand(1, 3, 224, 224)
    layer = vgg.features[29]  # conv5_3 after its ReLU
    cases = {
        "saliency": lambda: Saliency(vgg).attribute(x, target=281, abs=True),
        "grad_cam": lambda: LayerGradCam(vgg, layer).attribute(x, target=281),
    }
    print("VGG16 224², batch 1 (random weights)")
    for name, f in cases.items():
        theirs = timeit(f, repeat=5)
        mine = ours(name, 1, "attribution_vgg16")
        ratio = f"{mine / theirs:8.2f}" if mine else "     n/a"
        mine_ms = f"{mine * 1e3:13.3f}" if mine else "          n/a"
        print(f"{name:<28}{1:>6}{theirs * 1e3:12.3f}{mine_ms}{ratio}")

