# Copy of the project's PyTorch reference (shared/device/torch_loader_ref.py), run by loader.bench.mjs as its
# PyTorch peer (torch-peer.mjs); --torch-script PATH runs another copy.
# PyTorch DataLoader reference for the loader benchmark: an ImageFolder of JPEGs (e.g. the one the
# loader bench generates: /tmp/rocm-patch-loader-bench-v1-2000), torchvision ImageFolder + PIL
# Resize((224,224)) + ToTensor + Normalize, batch 32, persistent workers, best of epochs 2-3 (epoch 1 warms up).
#   python3 torch_loader_ref.py ROOT [0,2,4,8]      # one JSON line per worker count
import json, sys, time, torch
from torchvision import datasets, transforms
root = sys.argv[1]; counts = [int(c) for c in (sys.argv[2] if len(sys.argv) > 2 else '0,2,4,8').split(',')]
tf = transforms.Compose([transforms.Resize((224, 224)), transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)])
ds = datasets.ImageFolder(root, transform=tf)
base = None
for nw in counts:
    dl = torch.utils.data.DataLoader(ds, batch_size=32, shuffle=True, num_workers=nw, persistent_workers=nw > 0)
    rates = []
    for epoch in range(3):
        s = time.perf_counter(); n = 0
        for x, y in dl: n += x.shape[0]
        rates.append(n / (time.perf_counter() - s))
    best = max(rates[1:]); base = base or best
    print(json.dumps({'peer': 'torch DataLoader (PIL)', 'numWorkers': nw, 'samplesPerSecond': best, 'vsNumWorkers0': best / base}), flush=True)
