// Runs before every test file: the backend's tests run on the GPU where one is usable, elsewhere on the
// host device (the same kernels' C++ on the CPU). The variable must be set before the backend registers.
import { deviceAddon } from '@rocm-patch/conv-bypass/device';

process.env.ROCM_PATCH_TFJS_DEVICE ??= deviceAddon().available().gpu ? 'gpu' : 'host';
