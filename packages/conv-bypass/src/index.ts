export const packageName = '@rocm-patch/conv-bypass';
