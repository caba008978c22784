"""A PyTorch script started by `rocm-patch exec`: it sees the planned environment before torch loads
HIP, then runs a small convolution forward and backward on the GPU (or the CPU when there is none)."""
import os
import sys
import time

VARIABLES = [
    "HSA_OVERRIDE_GFX_VERSION",
    "ROCR_VISIBLE_DEVICES",
    "HIP_VISIBLE_DEVICES",
    "CUDA_VISIBLE_DEVICES",
    "MIOPEN_USER_DB_PATH",
    "MIOPEN_CUSTOM_CACHE_DIR",
    "PYTORCH_HIP_ALLOC_CONF",
]

print("environment planned by rocm-patch (as this process sees it):")
for name in VARIABLES:
    print(f"  {name}={os.environ.get(name, '(unset)')}")

import torch  # noqa: E402  (after printing: the variables must be set before torch loads HIP)

hip = getattr(torch.version, "hip", None)
print(f"torch {torch.__version__}, {'HIP ' + hip if hip else 'CUDA ' + str(torch.version.cuda)}")
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"device: {torch.cuda.get_device_name(0) if device == 'cuda' else 'cpu (no GPU visible)'}")

# 32×32 stays below the ~42×42 above which MIOpen convolutions hang on gfx1010: this script checks the
# stack, it does not reproduce the hang (rocm-patch's conv bypass is what avoids it).
x = torch.randn(8, 3, 32, 32, device=device, requires_grad=True)
conv = torch.nn.Conv2d(3, 16, 3, padding=1).to(device)
start = time.perf_counter()
y = conv(x)
y.square().mean().backward()
if device == "cuda":
    torch.cuda.synchronize()
print(f"conv forward+backward on {device}: output {tuple(y.shape)}, {1000 * (time.perf_counter() - start):.1f} ms")
sys.exit(0)
