export const packageName = '@rocm-patch/mp';
