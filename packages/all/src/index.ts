export const packageName = '@rocm-patch/all';
