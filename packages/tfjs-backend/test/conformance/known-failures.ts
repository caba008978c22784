// Specs of tfjs-core's conformance suite that pass on tfjs-backend-cpu but not on 'rocm', each with the
// reason (also listed in the package README). The conformance test fails on any other failure, so a
// regression cannot hide, and on an entry here that passes again, so the list stays true.
// Keys are spec names with the environment name replaced by <env>.
export const KNOWN_FAILURES: Record<string, string> = {};
