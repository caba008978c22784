export const packageName = '@rocm-patch/loader';
