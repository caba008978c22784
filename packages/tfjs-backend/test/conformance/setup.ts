// Setup of tfjs-core's conformance suite (scripts/tfjs-conformance): the backend named by
// CONFORMANCE_BACKEND ('rocm' or 'cpu'), registered before any spec loads.
import '@tensorflow/tfjs-core/dist/index';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setTestEnvs } from '@tensorflow/tfjs-core/dist/jasmine_util.js';
import '../../src/index.js';

const backendName = process.env.CONFORMANCE_BACKEND ?? 'rocm';
setTestEnvs([{ name: backendName, backendName, flags: {}, isDataSync: true }]);
